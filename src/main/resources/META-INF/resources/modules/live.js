// Keeps the page live: a Server-Sent Events stream when it works, a 2-second conditional poll while it
// does not, and reconnection by itself (after a server restart, a network drop, a proxy hiccup).
//
// Modes, reported through onModeChange: 'connecting', 'live', 'reconnecting', 'polling', 'offline'.

export const POLL_INTERVAL_MS = 2000;
const FIRST_REOPEN_DELAY_MS = 1000;
const MAX_REOPEN_DELAY_MS = 15000;

/**
 * @param {object} options
 * @param {(lastEventId?: string) => Promise<string>} options.streamUrl  URL of a new EventSource stream
 *        (it carries a single-use ticket, so every (re)connection asks for a new URL)
 * @param {(message: object) => void} options.onMessage   a parsed `{event, job}` stream message
 * @param {() => Promise<void>} options.resync      reloads everything before a fresh stream is opened
 * @param {() => Promise<void>} options.pollOnce    one round of conditional reads
 * @param {(mode: string, detail?: string) => void} options.onModeChange
 * @param {(error: Error) => void} options.onFatal  an error that must stop everything (a refused token)
 * @param {(error: Error) => boolean} options.isFatal
 */
export function createLiveConnection(options) {
  let source = null;
  let opening = 0; // counts openStream calls: a stale one (stopped, or superseded) drops its URL
  let lastEventId = null; // the newest message seen: a reopened stream replays from there
  let reopenTimer = null;
  let reopenDelay = FIRST_REOPEN_DELAY_MS;
  let pollTimer = null;
  let polling = false;
  let streamFailures = 0; // streams that closed for good in a row (HTTP error, unsupported)
  let stopped = true;
  let mode = 'idle';

  function setMode(next, detail) {
    mode = next;
    options.onModeChange(next, detail);
  }

  function streamsSupported() {
    return typeof window.EventSource === 'function';
  }

  function start() {
    stopped = false;
    if (!streamsSupported()) {
      startPolling('This browser has no EventSource');
      return;
    }
    openStream();
  }

  /** While polling: 'polling' when streams look unavailable, else 'reconnecting'. */
  function pollingMode() {
    return !streamsSupported() || streamFailures >= 2 ? 'polling' : 'reconnecting';
  }

  function stop() {
    stopped = true;
    lastEventId = null;
    closeStream();
    clearTimeout(reopenTimer);
    reopenTimer = null;
    stopPolling();
    setMode('idle');
  }

  async function openStream() {
    closeStream();
    if (!polling) {
      setMode('connecting');
    }
    const attempt = ++opening;
    let url;
    try {
      url = await options.streamUrl(lastEventId);
    } catch (error) {
      if (attempt !== opening || stopped) {
        return;
      }
      if (options.isFatal(error)) {
        options.onFatal(error);
        return;
      }
      streamFailures += 1;
      scheduleReopen();
      startPolling();
      return;
    }
    if (attempt !== opening || stopped) {
      return;
    }
    const stream = new EventSource(url);
    source = stream;
    stream.onopen = () => handleOpen(stream);
    stream.onmessage = (message) => handleMessage(stream, message);
    stream.onerror = () => handleError(stream);
  }

  function closeStream() {
    if (source) {
      source.onopen = source.onmessage = source.onerror = null;
      source.close();
      source = null;
    }
  }

  function handleOpen(stream) {
    if (stream !== source) {
      return;
    }
    reopenDelay = FIRST_REOPEN_DELAY_MS;
    streamFailures = 0;
    stopPolling();
    setMode('live');
  }

  function handleMessage(stream, message) {
    if (stream !== source) {
      return;
    }
    if (message.lastEventId) {
      lastEventId = message.lastEventId;
    }
    let parsed;
    try {
      parsed = JSON.parse(message.data);
    } catch {
      return; // not ours to show; the stream itself is fine
    }
    options.onMessage(parsed, message.lastEventId);
  }

  function handleError(stream) {
    if (stream !== source || stopped) {
      return;
    }
    // The browser's own retry would present the spent ticket again: we reopen with a new one, from the
    // last message seen (?lastEventId=), so nothing is lost. CLOSED means the browser gave up on an HTTP
    // error or a wrong content type: that counts towards falling back to polling.
    if (stream.readyState === EventSource.CLOSED) {
      streamFailures += 1;
    }
    closeStream();
    scheduleReopen();
    startPolling();
    if (mode !== 'offline') {
      setMode(pollingMode());
    }
  }

  function scheduleReopen() {
    clearTimeout(reopenTimer);
    const delay = reopenDelay;
    reopenDelay = Math.min(reopenDelay * 2, MAX_REOPEN_DELAY_MS);
    reopenTimer = setTimeout(reopen, delay);
  }

  async function reopen() {
    reopenTimer = null;
    if (stopped) {
      return;
    }
    try {
      if (!lastEventId) {
        await options.resync(); // a stream without a starting point begins afresh: reload what is shown
      }
    } catch (error) {
      if (options.isFatal(error)) {
        options.onFatal(error);
        return;
      }
      scheduleReopen(); // still unreachable: try again later, polling meanwhile
      return;
    }
    if (!stopped) {
      openStream();
    }
  }

  /** Polls until the stream is open again; a mode already shown by a running poll is kept. */
  function startPolling(detail) {
    if (polling) {
      return;
    }
    polling = true;
    setMode(pollingMode(), detail);
    schedulePoll();
  }

  function stopPolling() {
    polling = false;
    clearTimeout(pollTimer);
    pollTimer = null;
  }

  function schedulePoll() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(pollRound, POLL_INTERVAL_MS);
  }

  async function pollRound() {
    if (!polling || stopped) {
      return;
    }
    try {
      await options.pollOnce();
      if (polling && !stopped) {
        setMode(pollingMode());
      }
    } catch (error) {
      if (options.isFatal(error)) {
        options.onFatal(error);
        return;
      }
      if (polling) {
        setMode('offline', error.message);
      }
    }
    if (polling && !stopped) {
      schedulePoll();
    }
  }

  return { start, stop, get mode() { return mode; } };
}

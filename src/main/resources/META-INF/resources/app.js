// progress-hub dashboard: live progress of every job of the token's project.
// No build step, no framework; see modules/ for the pieces. Server data is only ever shown as text.

import { ApiError, AuthError, createApi } from './modules/api.js';
import { byId, setShown, setText } from './modules/dom.js';
import {
  RECENT_EVENT_LIMIT, createJobCard, isEventsPanelOpen, isTerminal, keepControlFocus, refreshSilence, renderEvents,
  setCardBusy, setEventsStatus, showCardNotice, updateJobCard,
} from './modules/job-card.js';
import { createLiveConnection } from './modules/live.js';
import { createTokensPage } from './modules/tokens-page.js';

const TOKEN_STORAGE_KEY = 'progress-hub.token';
const LIST_REFRESH_EVERY_POLLS = 5; // while polling, look for new jobs every 10 s
// While live, a slow list refresh too: the stream only speaks when an event is stored, so a job that was
// created but has not reported yet would otherwise stay unseen.
const LIVE_LIST_REFRESH_MS = 30000;
const SIGN_IN_RETRY_MS = 3000;
const SILENCE_REFRESH_MS = 1000; // a stalled job's "last update n s ago" keeps counting
const FILTER_TYPING_DELAY_MS = 400;
const NON_TIMELINE_EVENT_TYPES = new Set(['snapshot', 'reset', 'heartbeat']);
const CONTROL_ACTIONS = new Set(['pause', 'resume', 'cancel']);

const state = {
  token: null,
  me: null,
  filters: { status: '', operation: '', label: '' },
  /** job key (project/id) → {job, etag, view, events (oldest first), eventsLoaded} */
  jobs: new Map(),
  nextCursor: null,
  listRequest: 0,
  listLoaded: false,
  pollRounds: 0,
  signInRetryTimer: null,
  liveRefreshTimer: null,
};

const api = createApi(() => state.token, () => Boolean(state.me && state.me.admin));
const live = createLiveConnection({
  streamUrl: api.streamUrl,
  onMessage: handleStreamMessage,
  resync: resyncEverything,
  pollOnce,
  onModeChange: showConnectionMode,
  isFatal: (error) => error instanceof AuthError,
  onFatal: handleRefusedToken,
});

const tokensPage = createTokensPage({ api, onAuthError: handleRefusedToken });

const ui = {
  connection: byId('connection'),
  connectionText: byId('connection-text'),
  identity: byId('identity'),
  changeToken: byId('change-token'),
  tokenPanel: byId('token-panel'),
  tokenForm: byId('token-form'),
  tokenInput: byId('token-input'),
  tokenError: byId('token-error'),
  dashboard: byId('dashboard'),
  filters: byId('filters'),
  filterError: byId('filter-error'),
  notice: byId('notice'),
  summary: byId('summary'),
  jobs: byId('jobs'),
  empty: byId('empty'),
  loadMore: byId('load-more'),
  eventDialog: byId('event-dialog'),
  eventDialogTitle: byId('event-dialog-title'),
  eventDialogBody: byId('event-dialog-body'),
};

// ---- start-up and the token ------------------------------------------------------------------

function boot() {
  wirePageControls();
  readFiltersFromUrl();
  state.liveRefreshTimer = setInterval(refreshWhileLive, LIVE_LIST_REFRESH_MS);
  setInterval(() => state.jobs.forEach((entry) => refreshSilence(entry.view)), SILENCE_REFRESH_MS);
  window.addEventListener('hashchange', () => {
    const token = takeTokenFromFragment();
    if (token) {
      signIn(token);
    }
  });
  const token = takeTokenFromFragment() ?? readStoredToken();
  if (token) {
    signIn(token);
  } else {
    showTokenPanel('');
  }
}

/** A link may carry the token as `#token=…`; it is taken and removed from the address bar. */
function takeTokenFromFragment() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) {
    return null;
  }
  params.delete('token');
  const rest = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
  return token.trim() || null;
}

function readStoredToken() {
  try {
    return window.localStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null; // storage disabled: the token is asked for on every visit
  }
}

function storeToken(token) {
  try {
    window.localStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // storage disabled: keep it in memory for this page only
  }
}

function forgetStoredToken() {
  try {
    window.localStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

async function signIn(token) {
  clearTimeout(state.signInRetryTimer);
  live.stop();
  removeAllJobs();
  state.token = token;
  showConnectionMode('connecting');
  let me;
  try {
    me = await api.me();
  } catch (error) {
    handleSignInFailure(token, error);
    return;
  }
  if (token !== state.token) {
    return; // another sign-in started meanwhile
  }
  if (!hasScope(me, 'read')) {
    forgetStoredToken();
    showTokenPanel('This token has no "read" scope, so it cannot show jobs.');
    return;
  }
  state.me = me;
  storeToken(token);
  showDashboard();
  try {
    await loadJobs();
  } catch (error) {
    if (error instanceof AuthError) {
      handleRefusedToken();
      return;
    }
    showNotice(`Could not load the jobs: ${error.message}`);
  }
  live.start();
}

function handleSignInFailure(token, error) {
  if (error instanceof AuthError) {
    forgetStoredToken();
    showTokenPanel('That token was not accepted. Check it and try again.');
    return;
  }
  if (error instanceof ApiError && error.status === 403) {
    forgetStoredToken();
    showTokenPanel('This token has no "read" scope, so it cannot show jobs.');
    return;
  }
  if (error instanceof ApiError && error.status < 500 && error.status !== 429) {
    showTokenPanel(`The service refused the sign-in: ${error.message}`);
    return;
  }
  // The service is unreachable (restarting?): keep the token and try again by ourselves.
  showDashboard();
  showNotice(`Cannot reach the service (${error.message}). Retrying…`);
  showConnectionMode('offline');
  state.signInRetryTimer = setTimeout(() => signIn(token), SIGN_IN_RETRY_MS);
}

function handleRefusedToken() {
  live.stop();
  forgetStoredToken();
  removeAllJobs();
  state.token = null;
  state.me = null;
  showTokenPanel('The token is no longer accepted (expired or revoked). Paste a new one.');
}

function signOut() {
  clearTimeout(state.signInRetryTimer);
  live.stop();
  forgetStoredToken();
  removeAllJobs();
  state.token = null;
  state.me = null;
  showTokenPanel('');
}

function hasScope(me, scope) {
  return Boolean(me && (me.admin || (Array.isArray(me.scopes) && me.scopes.includes(scope))));
}

function canControl() {
  return hasScope(state.me, 'control');
}

// ---- page chrome -----------------------------------------------------------------------------

function showTokenPanel(errorText) {
  tokensPage.setAdmin(false);
  setShown(ui.dashboard, false);
  setShown(ui.identity, false);
  setShown(ui.changeToken, false);
  setShown(ui.tokenPanel, true);
  setText(ui.tokenError, errorText);
  showConnectionMode('idle');
  ui.tokenInput.value = '';
  ui.tokenInput.focus();
}

function showDashboard() {
  setShown(ui.tokenPanel, false);
  setShown(ui.dashboard, true);
  setShown(ui.changeToken, true);
  showNotice('');
  const me = state.me;
  if (me) {
    const access = canControl() ? 'read & control' : 'read only';
    setText(ui.identity, `${me.name || 'token'} · ${me.admin ? 'all projects' : me.project || ''} · ${access}`);
  }
  setShown(ui.identity, Boolean(me));
  tokensPage.setAdmin(Boolean(me && me.admin));
}

const CONNECTION_TEXT = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting · polling every 2 s',
  polling: 'Polling every 2 s',
  offline: 'Offline · retrying',
};

function showConnectionMode(mode, detail) {
  ui.connection.dataset.mode = mode;
  setText(ui.connectionText, CONNECTION_TEXT[mode] ?? mode);
  ui.connection.title = detail || '';
}

function showNotice(text) {
  setText(ui.notice, text);
  setShown(ui.notice, Boolean(text));
}

function updateListChrome() {
  const entries = [...state.jobs.values()];
  const byStatus = new Map();
  for (const { job } of entries) {
    byStatus.set(job.status, (byStatus.get(job.status) ?? 0) + 1);
  }
  const parts = [...byStatus].map(([status, count]) => `${count} ${status}`);
  setText(ui.summary, entries.length ? `${entries.length} job${entries.length === 1 ? '' : 's'}: ${parts.join(', ')}` : '');
  const filtered = Boolean(state.filters.status || state.filters.operation || state.filters.label);
  setText(ui.empty, filtered ? 'No jobs match these filters.' : 'No jobs yet. They appear here as soon as a worker reports.');
  setShown(ui.empty, state.listLoaded && entries.length === 0);
  setShown(ui.loadMore, Boolean(state.nextCursor));
}

function wirePageControls() {
  ui.tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = ui.tokenInput.value.trim();
    if (!token) {
      setText(ui.tokenError, 'Paste a token first.');
      return;
    }
    signIn(token);
  });
  ui.changeToken.addEventListener('click', signOut);
  ui.loadMore.addEventListener('click', loadMoreJobs);
  wireFilters();
  wireEventDialog();
}

// ---- filters -----------------------------------------------------------------------------------

function wireFilters() {
  let typingTimer = null;
  ui.filters.addEventListener('submit', (event) => {
    event.preventDefault();
    applyFilters();
  });
  ui.filters.addEventListener('change', () => {
    clearTimeout(typingTimer);
    applyFilters();
  });
  ui.filters.addEventListener('input', (event) => {
    if (event.target instanceof HTMLInputElement) {
      clearTimeout(typingTimer);
      typingTimer = setTimeout(applyFilters, FILTER_TYPING_DELAY_MS);
    }
  });
  ui.filters.addEventListener('reset', () => setTimeout(applyFilters, 0));
}

function readFiltersFromUrl() {
  const params = new URLSearchParams(window.location.search);
  for (const name of Object.keys(state.filters)) {
    const value = params.get(name) ?? '';
    state.filters[name] = value;
    ui.filters.elements.namedItem(name).value = value;
  }
}

function applyFilters() {
  const form = ui.filters.elements;
  const next = {
    status: form.namedItem('status').value,
    operation: form.namedItem('operation').value.trim(),
    label: form.namedItem('label').value.trim(),
  };
  if (next.label && !/^[^:\s][^:]*:.*$/.test(next.label)) {
    setText(ui.filterError, 'A label filter looks like key:value, e.g. team:data.');
    return;
  }
  setText(ui.filterError, '');
  if (Object.keys(next).every((name) => next[name] === state.filters[name])) {
    return;
  }
  state.filters = next;
  writeFiltersToUrl();
  for (const entry of [...state.jobs.values()]) {
    if (!matchesFilters(entry.job)) {
      removeJob(jobKey(entry.job));
    }
  }
  if (state.token && state.me) {
    loadJobs().catch(handleBackgroundError);
  }
}

function writeFiltersToUrl() {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state.filters)) {
    if (value) {
      params.set(name, value);
    }
  }
  const query = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
}

function matchesFilters(job) {
  const { status, operation, label } = state.filters;
  if (status && job.status !== status) {
    return false;
  }
  if (operation && job.operation !== operation) {
    return false;
  }
  if (label) {
    const separator = label.indexOf(':');
    const key = label.slice(0, separator);
    const value = label.slice(separator + 1);
    if (!job.labels || String(job.labels[key]) !== value) {
      return false;
    }
  }
  return true;
}

// ---- the job list ------------------------------------------------------------------------------

/** Loads the first page; jobs no longer listed leave the page. */
async function loadJobs() {
  const request = ++state.listRequest;
  const page = await api.listJobs(state.filters);
  if (request !== state.listRequest) {
    return; // filters changed while this was in flight
  }
  const listed = new Set(page.items.map(jobKey));
  for (const key of [...state.jobs.keys()]) {
    if (!listed.has(key)) {
      removeJob(key);
    }
  }
  page.items.forEach(upsertJob);
  state.nextCursor = page.nextCursor ?? null;
  state.listLoaded = true;
  showNotice('');
  updateListChrome();
}

async function loadMoreJobs() {
  if (!state.nextCursor) {
    return;
  }
  ui.loadMore.disabled = true;
  try {
    const page = await api.listJobs(state.filters, { cursor: state.nextCursor });
    page.items.forEach(upsertJob);
    state.nextCursor = page.nextCursor ?? null;
    updateListChrome();
  } catch (error) {
    handleBackgroundError(error);
  } finally {
    ui.loadMore.disabled = false;
  }
}

/** Applies a snapshot unless an equal or newer version is already shown. */
function upsertJob(job) {
  if (!job || !job.id) {
    return;
  }
  const key = jobKey(job);
  if (!matchesFilters(job)) {
    removeJob(key);
    return;
  }
  let entry = state.jobs.get(key);
  if (entry && isOlderThan(job, entry.job)) {
    return;
  }
  const isNew = !entry;
  if (isNew) {
    entry = createEntry(key, job);
    state.jobs.set(key, entry);
  }
  entry.job = job;
  updateJobCard(entry.view, job, { canControl: canControl() });
  if (Array.isArray(job.recentEvents)) {
    entry.eventsLoaded = true;
    mergeEvents(entry, job.recentEvents);
  }
  if (isNew) {
    placeCard(entry);
  }
  updateListChrome();
}

function isOlderThan(candidate, current) {
  return typeof candidate.version === 'number' && typeof current.version === 'number'
    && candidate.version < current.version;
}

/** A job id is unique only within its project, and an admin sees every project. */
function jobKey(job) {
  return `${job.project ?? ''}/${job.id}`;
}

function createEntry(key, job) {
  const view = createJobCard(key, {
    onControl: runControl,
    onEventsToggle: handleEventsToggle,
    onOpenEvent: openEventDialog,
  }, { id: job.id, project: job.project });
  return { job: null, etag: null, view, events: [], eventsLoaded: false };
}

/** Newest job first (by creation), so a live update never reorders the page. */
function placeCard(entry) {
  ui.jobs.insertBefore(entry.view.root, firstCardAfter(entry));
}

function firstCardAfter(entry) {
  for (const node of ui.jobs.children) {
    const other = state.jobs.get(node.dataset.key);
    if (other && other !== entry && sortsBefore(entry.job, other.job)) {
      return node;
    }
  }
  return null;
}

function sortsBefore(a, b) {
  const createdA = Date.parse(a.createdAt ?? '') || 0;
  const createdB = Date.parse(b.createdAt ?? '') || 0;
  return createdA !== createdB ? createdA > createdB : String(a.id) < String(b.id);
}

function removeJob(key) {
  const entry = state.jobs.get(key);
  if (entry) {
    entry.view.root.remove();
    state.jobs.delete(key);
    updateListChrome();
  }
}

function removeAllJobs() {
  for (const key of [...state.jobs.keys()]) {
    removeJob(key);
  }
  state.listLoaded = false;
  state.nextCursor = null;
  updateListChrome();
}

function handleBackgroundError(error) {
  if (error instanceof AuthError) {
    handleRefusedToken();
  } else {
    showNotice(error.message);
  }
}

// ---- live updates ------------------------------------------------------------------------------

function handleStreamMessage(message) {
  const event = message && message.event;
  const job = message && message.job;
  if (event && event.type === 'reset') {
    resyncEverything().catch(handleBackgroundError);
    return;
  }
  if (job) {
    upsertJob(job);
    if (event && !NON_TIMELINE_EVENT_TYPES.has(event.type)) {
      addStreamedEvent(jobKey(job), event);
    }
  }
}

/** Before a new stream (which has no Last-Event-ID), or on a `reset`: reload what is shown. */
async function resyncEverything() {
  await loadJobs();
  const openPanels = [...state.jobs.values()].filter((entry) => entry.eventsLoaded);
  for (const entry of openPanels) {
    entry.events = [];
    entry.eventsLoaded = false;
    if (isEventsPanelOpen(entry.view)) {
      loadRecentEvents(entry);
    }
  }
}

/** The 2-second fallback: a conditional read per unfinished job, and a list refresh every 10 s. */
async function pollOnce() {
  state.pollRounds += 1;
  if (state.pollRounds % LIST_REFRESH_EVERY_POLLS === 1) {
    await refreshFirstPage();
  }
  const unfinished = [...state.jobs.values()].filter((entry) => !isTerminal(entry.job));
  await Promise.all(unfinished.map(pollJob));
}

function refreshWhileLive() {
  if (live.mode === 'live' && state.me) {
    refreshFirstPage().catch(handleBackgroundError);
  }
}

async function refreshFirstPage() {
  const page = await api.listJobs(state.filters);
  page.items.forEach(upsertJob);
  if (!state.listLoaded) {
    state.nextCursor = page.nextCursor ?? null;
    state.listLoaded = true;
  }
  showNotice('');
  updateListChrome();
}

async function pollJob(entry) {
  const key = jobKey(entry.job);
  let result;
  try {
    result = await api.getJob(entry.job, { etag: entry.etag });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      removeJob(key); // deleted
      return;
    }
    throw error;
  }
  if (result.notModified) {
    return;
  }
  const previousEventId = entry.job.lastEventId;
  entry.etag = result.etag;
  upsertJob(result.job);
  if (entry.eventsLoaded && isEventsPanelOpen(entry.view) && result.job.lastEventId !== previousEventId) {
    await loadRecentEvents(entry);
  }
}

// ---- recent events -----------------------------------------------------------------------------

function addStreamedEvent(key, event) {
  const entry = state.jobs.get(key);
  if (entry && event.id !== undefined && event.id !== null) {
    mergeEvents(entry, [event]);
  }
}

/** Keeps the newest 20 events, oldest first, without duplicates. */
function mergeEvents(entry, events) {
  const byId = new Map(entry.events.map((event) => [String(event.id), event]));
  for (const event of events) {
    if (event && event.id !== undefined && event.id !== null) {
      byId.set(String(event.id), event);
    }
  }
  entry.events = [...byId.values()].sort(compareEventIds).slice(-RECENT_EVENT_LIMIT);
  if (entry.eventsLoaded) {
    renderEvents(entry.view, entry.events);
  }
}

function compareEventIds(a, b) {
  const difference = Number(a.id) - Number(b.id);
  return Number.isNaN(difference) ? String(a.id).localeCompare(String(b.id)) : difference;
}

function handleEventsToggle(key, open) {
  const entry = state.jobs.get(key);
  if (entry && open && !entry.eventsLoaded) {
    loadRecentEvents(entry);
  }
}

async function loadRecentEvents(entry) {
  if (!entry.eventsLoaded) {
    setEventsStatus(entry.view, 'Loading…');
  }
  try {
    const { job } = await api.getJob(entry.job, { withRecentEvents: true });
    upsertJob(job);
    entry.eventsLoaded = true;
    mergeEvents(entry, Array.isArray(job.recentEvents) ? job.recentEvents : []);
  } catch (error) {
    if (error instanceof AuthError) {
      handleRefusedToken();
      return;
    }
    setEventsStatus(entry.view, `Could not load the events: ${error.message}`);
  }
}

let eventDialogOpener = null;

function wireEventDialog() {
  ui.eventDialog.addEventListener('close', () => {
    if (eventDialogOpener && eventDialogOpener.isConnected) {
      eventDialogOpener.focus();
    }
    eventDialogOpener = null;
  });
  ui.eventDialog.addEventListener('click', (event) => {
    if (event.target === ui.eventDialog) {
      ui.eventDialog.close(); // a click on the backdrop
    }
  });
}

/** Shows one event's full JSON (its data included), as text. */
function openEventDialog(key, event) {
  eventDialogOpener = document.activeElement;
  setText(ui.eventDialogTitle, `Event #${event.id} · ${event.type || 'event'}`);
  setText(ui.eventDialogBody, JSON.stringify(event, null, 2));
  if (!ui.eventDialog.open) {
    ui.eventDialog.showModal();
  }
}

// ---- control -------------------------------------------------------------------------------

async function runControl(key, action, button) {
  const entry = state.jobs.get(key);
  if (!entry || !CONTROL_ACTIONS.has(action)) {
    return;
  }
  setCardBusy(entry.view, true);
  showCardNotice(entry.view, '');
  try {
    const job = await api.control(entry.job, action);
    setCardBusy(entry.view, false);
    upsertJob(job);
    keepControlFocus(entry.view, button);
  } catch (error) {
    setCardBusy(entry.view, false);
    if (error instanceof AuthError) {
      handleRefusedToken();
      return;
    }
    const reason = error instanceof ApiError && error.status === 403
      ? 'this token has no "control" scope'
      : error.message;
    showCardNotice(entry.view, `Could not ${action} the job: ${reason}`);
  }
}

boot();

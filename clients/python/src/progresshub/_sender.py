"""The background thread that delivers one job's events: batched, numbered, retried, never lost to a blip."""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from typing import Any, Callable, Dict, List, Optional

from ._buffer import Event, EventBuffer
from ._http import RETRYABLE_STATUSES, Response, Transport
from ._http import retry as http_retry
from .errors import HubUnavailable

log = logging.getLogger("progresshub")

#: Under the hub's 1 MiB request bound, with room for the brackets and commas.
MAX_BATCH_BYTES = 1000 * 1024


class Sender:
    """Sends the events reported to one job from a daemon thread.

    Events wait in an :class:`EventBuffer` and leave in batches of at most ``max_batch`` events, at the latest
    ``interval`` seconds after the oldest was reported. Each event gets this worker's name and the next
    ``seq`` when it first leaves, and a batch is sent again, unchanged, until the hub answers: so a retry
    after a lost answer is recognised as a duplicate and never counted twice. While the hub is away
    (connection errors, 429, 502-504) the thread waits (``Retry-After`` when given, else exponential backoff)
    and the buffer keeps what is reported meanwhile.
    """

    def __init__(self, transport: Transport, path: str, query: Dict[str, Any], worker: str, *,
                 interval: float, max_batch: int, max_buffered: int, heartbeat_interval: float,
                 observe: Callable[[Dict[str, Any]], None], idle: Callable[[], Optional[float]],
                 after_heartbeat: Callable[[], None], name: str) -> None:
        self.worker = worker
        self._transport = transport
        self._path = path
        self._query = query
        self._interval = interval
        self._max_batch = max_batch
        self._heartbeat_interval = heartbeat_interval
        self._observe = observe
        self._idle = idle
        self._after_heartbeat = after_heartbeat
        self._buffer = EventBuffer(max_buffered)
        self._condition = threading.Condition()
        self._seq = 0
        self._in_flight = 0
        self._flush_wanted = False
        self._closing = False
        self._give_up_at: Optional[float] = None
        self._refused = False
        self._create: Optional[Dict[str, Any]] = None
        self._last_answer_at = time.monotonic()
        self.rejected = 0
        self.undelivered = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # --- what the worker's threads call ---------------------------------------------------------------------

    def create_first(self, body: Dict[str, Any]) -> None:
        """Sends ``POST /api/jobs`` with ``body`` before any event (used when the hub was away at the start)."""
        with self._condition:
            self._create = body
            self._condition.notify_all()

    def add(self, event: Event) -> None:
        """Queues an event; never blocks on the network."""
        with self._condition:
            if self._closing and self._give_up_at is not None and time.monotonic() > self._give_up_at:
                self.undelivered += 1
                return
            if not self._buffer.append(event, time.monotonic()) and self._buffer.dropped in (1, 1000, 100000):
                log.warning("progresshub: the hub has been away a long time; %d events dropped so far (bound %d)",
                            self._buffer.dropped, self._buffer.bound)
            if len(self._buffer) in (1, self._max_batch):  # wakes the thread from its idle wait, or sends now
                self._condition.notify_all()

    @property
    def waiting(self) -> int:
        """Events not yet acknowledged by the hub (buffered or in flight)."""
        with self._condition:
            return len(self._buffer) + self._in_flight

    @property
    def dropped(self) -> int:
        """Events dropped because the buffer was full of item events while the hub was away."""
        return self._buffer.dropped

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until every event reported so far is acknowledged; False when ``timeout`` passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            self._flush_wanted = True
            self._condition.notify_all()
            while len(self._buffer) or self._in_flight or self._create is not None:
                if self._refused or not self._thread.is_alive():
                    return False
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._condition.wait(remaining if remaining is not None else 1.0)
            self._flush_wanted = False
            return True

    def close(self, timeout: float) -> bool:
        """Delivers what is left (giving up after ``timeout`` seconds) and stops the thread."""
        with self._condition:
            self._closing = True
            self._give_up_at = time.monotonic() + timeout
            self._condition.notify_all()
        self._thread.join(timeout + 1.0)
        with self._condition:
            self.undelivered += len(self._buffer) + self._in_flight
            if self.undelivered:
                log.warning("progresshub: %d events not delivered: the hub did not answer in %.0f s",
                            self.undelivered, timeout)
            return self.undelivered == 0 and not self._refused

    # --- the thread -------------------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            work = self._next_work()
            if work is None:
                return
            try:
                work()
            except Exception:  # the thread must outlive any surprise; the worker's loop never sees it
                log.exception("progresshub: unexpected error while sending")

    def _next_work(self) -> Optional[Callable[[], None]]:
        """Blocks until something is due: the job's creation, a batch, a heartbeat, or the end."""
        with self._condition:
            while True:
                now = time.monotonic()
                if self._create is not None and not self._given_up(now):
                    return self._send_create
                if len(self._buffer) and not self._refused:
                    oldest = self._buffer.oldest_at() or now
                    if (self._closing or self._flush_wanted or len(self._buffer) >= self._max_batch
                            or now - oldest >= self._interval):
                        return self._send_batch
                    self._condition.wait(self._interval - (now - oldest))
                    continue
                if self._closing or self._refused:
                    self._buffer.take(len(self._buffer))  # nothing more will be delivered: refused or done
                    self._condition.notify_all()
                    return None
                idle_for = self._idle_interval()
                if now - self._last_answer_at >= idle_for:
                    return self._send_heartbeat
                self._condition.wait(idle_for - (now - self._last_answer_at))

    def _idle_interval(self) -> float:
        """Seconds between heartbeats when nothing else is sent (the job asks for less while paused)."""
        wanted = self._idle()
        return wanted if wanted is not None else self._heartbeat_interval

    def _given_up(self, now: float) -> bool:
        return self._closing and self._give_up_at is not None and now > self._give_up_at

    def _send_create(self) -> None:
        with self._condition:
            body = self._create
        answer = self._deliver(lambda: self._transport.request("POST", "/api/jobs", body, query=self._query))
        with self._condition:
            self._create = None
            self._condition.notify_all()
        if answer is not None and answer.status < 300:
            self._observe(answer.json())
        elif answer is not None:
            log.error("progresshub: the hub refused to create the job: %s", answer.problem())

    def _send_heartbeat(self) -> None:
        answer = self._deliver(lambda: self._post([{"type": "heartbeat"}]), retry=False)
        with self._condition:
            self._last_answer_at = time.monotonic()
        if answer is not None:
            self._handle(answer, [])
        self._after_heartbeat()

    def _send_batch(self) -> None:
        batch = self._take_batch()
        if not batch:
            return
        try:
            self._send_numbered(batch)
        finally:
            with self._condition:
                self._in_flight = 0
                self._condition.notify_all()

    def _take_batch(self) -> List[bytes]:
        """Up to ``max_batch`` events under the byte bound, numbered and serialised once."""
        with self._condition:
            parts: List[bytes] = []
            size = 2
            while len(self._buffer) and len(parts) < self._max_batch:
                event = self._buffer.take(1)[0]
                self._seq += 1
                event["worker"] = self.worker
                event["seq"] = self._seq
                part = json.dumps(event, separators=(",", ":")).encode("utf-8")
                parts.append(part)
                size += len(part) + 1
                if size >= MAX_BATCH_BYTES - 70 * 1024:  # the next event (at most 64 KiB) still fits
                    break
            self._in_flight = len(parts)
            return parts

    def _send_numbered(self, parts: List[bytes]) -> None:
        """Sends one batch; a batch the hub finds invalid is split until the bad event is found and dropped."""
        answer = self._deliver(lambda: self._post(parts))
        if answer is None:
            with self._condition:
                self.undelivered += len(parts)
            return
        if answer.status in (400, 413, 422) and len(parts) > 1:
            middle = len(parts) // 2
            self._send_numbered(parts[:middle])
            self._send_numbered(parts[middle:])
            return
        self._handle(answer, parts)

    def _post(self, parts: List[Any]) -> Response:
        body = parts if not parts or isinstance(parts[0], dict) else b"[" + b",".join(parts) + b"]"
        return self._transport.request("POST", self._path, body, query=self._query,
                                       headers={"Content-Type": "application/json"})

    def _handle(self, answer: Response, parts: List[bytes]) -> None:
        if answer.status < 300:
            with self._condition:
                self._last_answer_at = time.monotonic()
            brief = (answer.json() or {}).get("job")
            if brief:
                self._observe(brief)
            return
        problem = answer.problem()
        if answer.status == 409:
            log.warning("progresshub: the job has ended; %d later events are not sent (%s)", len(parts), problem)
            self._refuse()
        elif answer.status in (401, 403, 404):
            log.error("progresshub: events refused, nothing more will be sent: %s", problem)
            self._refuse()
        else:
            self.rejected += len(parts)
            log.warning("progresshub: the hub refused an event (%s): %s", problem,
                        parts[0][:300].decode("utf-8", "replace") if parts else "")

    def _refuse(self) -> None:
        with self._condition:
            self._refused = True
            self.undelivered += len(self._buffer)
            self._buffer.take(len(self._buffer))
            self._condition.notify_all()

    def _deliver(self, attempt: Callable[[], Response], retry: bool = True) -> Optional[Response]:
        """Runs ``attempt`` until the hub answers something other than 'busy' or 'away'; ``None`` when it
        did not (``retry=False``: after one attempt; else once the job is closing and its delivery time is spent)."""
        try:
            answer = http_retry(attempt, math.inf if retry else 0.0, wait=self._wait)
        except HubUnavailable:
            return None
        return None if answer.status in RETRYABLE_STATUSES else answer

    def _wait(self, seconds: float) -> bool:
        """Sleeps ``seconds`` (woken only to notice the give-up time); False once delivery time is spent."""
        until = time.monotonic() + seconds
        with self._condition:
            while True:
                now = time.monotonic()
                if self._given_up(now) or (self._give_up_at is not None and until > self._give_up_at):
                    return False
                if now >= until:
                    return True
                self._condition.wait(until - now)

"""The entry point: a :class:`Client` talks to one hub with one token."""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import socket
import time
import uuid
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

from ._http import Backoff, Transport, retry
from ._sender import Sender
from .errors import HubError, HubUnavailable
from .job import TERMINAL, Job, PauseCallback, _camel

log = logging.getLogger("progresshub")

DEFAULT_URL = "http://localhost:8080"


class Client:
    """A connection to a progress-hub.

    ``url`` and ``token`` default to the ``PROGRESS_HUB_URL`` and ``PROGRESS_HUB_TOKEN`` environment
    variables (the URL to ``http://localhost:8080``). ``project`` picks the project for an admin token.

    Tuning (the defaults follow CONTRACT section 9): events leave in batches of at most ``max_batch``, at the
    latest ``batch_interval`` seconds after they were reported; while the hub is away at most
    ``max_buffered`` events wait per job; an idle job sends a heartbeat every ``heartbeat_interval`` seconds;
    a finishing job waits up to ``close_timeout`` seconds for the hub to take what is left.
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, *, project: Optional[str] = None,
                 worker: Optional[str] = None, timeout: float = 30.0, batch_interval: float = 0.25,
                 max_batch: int = 1000, max_buffered: int = 100_000, heartbeat_interval: float = 30.0,
                 close_timeout: float = 30.0, retry_for: float = 60.0) -> None:
        self.url = (url or os.environ.get("PROGRESS_HUB_URL") or DEFAULT_URL).rstrip("/")
        self.project = project
        self.worker = worker or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.batch_interval = batch_interval
        self.max_batch = min(max(1, max_batch), 1000)
        self.max_buffered = max_buffered
        self.heartbeat_interval = heartbeat_interval
        self.close_timeout = close_timeout
        self.retry_for = retry_for
        self._transport = Transport(self.url, token or os.environ.get("PROGRESS_HUB_TOKEN"), timeout)
        self._update_ids = itertools.count(1)

    # --- workers -----------------------------------------------------------------------------------------------

    def job(self, id: Optional[str] = None, *, name: Optional[str] = None, operation: Optional[str] = None,
            total: Optional[int] = None, stages: Optional[Mapping[str, Optional[int]]] = None,
            labels: Optional[Mapping[str, str]] = None, heartbeat_seconds: Optional[int] = None,
            worker: Optional[str] = None, on_pause: Optional[PauseCallback] = None) -> Job:
        """A job to report to, created on the hub when the ``with`` block (or :meth:`Job.start`) begins.

        ``id`` defaults to one made from ``name``; ``stages`` maps stage names to totals (``None``: unknown);
        ``on_pause(job, paused)`` is called (from a background thread) when a pause is requested and when
        the job may go on again.
        """
        if id is None:
            slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name or "job").strip("-")[:80] or "job"
            id = f"{slug}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:4]}"
        return Job(self, id, name=name, operation=operation, total=total, stages=stages, labels=labels,
                   heartbeat_seconds=heartbeat_seconds, worker=worker, on_pause=on_pause)

    def crawler_report(self, task_id: str, status: str, *, update_id: Optional[str] = None,
                       **fields: Any) -> Optional[Dict[str, Any]]:
        """Sends seed 003's crawler report (``POST /api/internal/jobs/progress``) and returns the answer
        (``answer["job"]["requestedState"]`` tells of pause and cancel).

        Fields in snake_case or camelCase: ``processed_items``, ``total_items``, ``current_data_type``,
        ``items_by_type`` (deltas), ``last_processed_id``, ``resume_state``, ``stage``, ``operation_type``,
        ``message``, ``error``, ``timeline``, ``discovered_areas``, ``credential_status``. An ``update_id`` is
        made when none is given, so the retries made while the hub is away count once. Returns ``None`` when
        the hub stayed away for ``retry_for`` seconds; raises :class:`HubError` when it refuses the report.
        """
        body = {"taskId": task_id, "status": status, **_camel(fields)}
        body["updateId"] = update_id or f"{self.worker}-{next(self._update_ids)}"
        try:
            return self._call("POST", "/api/internal/jobs/progress", body).json()
        except HubUnavailable as error:
            log.warning("progresshub: crawler report for %s not delivered: %s", task_id, error)
            return None

    def session(self, operation: str, total_steps: int = 100) -> "Session":
        """Starts a seed 001 progress session (``POST /api/progress/sessions``)."""
        answer = self._call("POST", "/api/progress/sessions", {"operation": operation, "totalSteps": total_steps}).json()
        return Session(self, answer["sessionId"])

    def upload_log(self, job_id: str, chunks: Iterable[bytes]) -> Dict[str, Any]:
        """Streams a process's output to ``PUT /api/jobs/{id}/log`` (chunked, as it comes) and returns the
        hub's tally once ``chunks`` ends. Raises :class:`HubUnavailable` when the connection breaks."""
        connection = self._transport.new_connection(timeout=None)
        try:
            connection.putrequest("PUT", self._transport.path(f"/api/jobs/{_quote(job_id)}/log",
                                                              self._project_query()))
            for header, value in self._transport.headers({"Content-Type": "text/plain; charset=utf-8",
                                                          "Transfer-Encoding": "chunked"}).items():
                connection.putheader(header, value)
            connection.endheaders()
            for chunk in chunks:
                if chunk:
                    connection.send(b"%X\r\n%s\r\n" % (len(chunk), chunk))
            connection.send(b"0\r\n\r\n")
            answer = connection.getresponse()
            body = answer.read()
        except OSError as error:
            raise HubUnavailable(f"log upload to {self.url} broke: {error}") from error
        finally:
            connection.close()
        if answer.status >= 400:
            from ._http import Response
            raise Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, body).problem()
        return json.loads(body) if body else {}

    # --- readers and operators ------------------------------------------------------------------------------------

    def jobs(self, *, status: Optional[str] = None, operation: Optional[str] = None, label: Optional[str] = None,
             limit: int = 50) -> List[Dict[str, Any]]:
        """Snapshots of the project's jobs, newest first (``label`` as ``"key:value"``)."""
        answer = self._call("GET", "/api/jobs", query={"status": status, "operation": operation, "label": label,
                                                       "limit": limit, **self._project_query()})
        return answer.json()["items"]

    def get(self, job_id: str) -> Dict[str, Any]:
        """The job's snapshot (CONTRACT section 2)."""
        return self._call("GET", f"/api/jobs/{_quote(job_id)}", query=self._project_query()).json()

    def events(self, job_id: str, *, after: Optional[int] = None, type: Optional[str] = None,
               stage: Optional[str] = None, limit: Optional[int] = None) -> Dict[str, Any]:
        """One page of the job's timeline: ``{"items": [...], "nextAfter": ...}``."""
        query = {"after": after, "type": type, "stage": stage, "limit": limit, **self._project_query()}
        return self._call("GET", f"/api/jobs/{_quote(job_id)}/events", query=query).json()

    def all_events(self, job_id: str, **filters: Any) -> Iterator[Dict[str, Any]]:
        """The job's whole timeline (paged through), oldest first."""
        after = None
        while True:
            page = self.events(job_id, after=after, limit=500, **filters)
            yield from page["items"]
            if not page["items"] or page.get("nextAfter") is None:
                return
            after = page["nextAfter"]

    def pause(self, job_id: str) -> Dict[str, Any]:
        """Asks the job's worker to pause (scope ``control``)."""
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/pause", query=self._project_query()).json()

    def resume(self, job_id: str) -> Dict[str, Any]:
        """Asks a paused job's worker to go on (scope ``control``)."""
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/resume", query=self._project_query()).json()

    def cancel(self, job_id: str) -> Dict[str, Any]:
        """Asks the job's worker to stop (scope ``control``)."""
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/cancel", query=self._project_query()).json()

    def create_token(self, project: str, scopes: Sequence[str], *, name: Optional[str] = None,
                     expires_at: Optional[str] = None) -> Dict[str, Any]:
        """Creates a token (needs an admin token); the answer's ``token`` is shown this once."""
        body = _camel({"name": name or f"{project}-{'-'.join(scopes)}", "project": project, "scopes": list(scopes),
                       "expires_at": expires_at})
        return self._call("POST", "/api/tokens", body).json()

    def stream(self, job_id: str, last_event_id: Optional[int] = None) -> Iterator[Dict[str, Any]]:
        """The job's Server-Sent Events (``{"id", "event", "job"}`` each), first a snapshot, until the job
        has ended. A broken connection is reopened with ``Last-Event-ID``, so nothing is missed."""
        backoff = Backoff()
        status = None
        while status not in TERMINAL:
            try:
                for message in self._stream_once(job_id, last_event_id):
                    backoff.reset()
                    if message.get("id") is not None:
                        last_event_id = message["id"]
                    status = (message.get("job") or {}).get("status", status)
                    yield message
            except _NothingMissed:
                return
            except HubUnavailable as error:
                log.debug("progresshub: stream interrupted (%s); reconnecting", error)
            if status not in TERMINAL:
                time.sleep(backoff.delay())

    # --- internals ------------------------------------------------------------------------------------------------

    def _stream_once(self, job_id: str, last_event_id: Optional[int]) -> Iterator[Dict[str, Any]]:
        connection = self._transport.new_connection(timeout=60.0)
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        try:
            try:
                connection.request("GET", self._transport.path(f"/api/jobs/{_quote(job_id)}/stream",
                                                                self._project_query()),
                                   headers=self._transport.headers(headers))
                answer = connection.getresponse()
            except OSError as error:
                raise HubUnavailable(f"{self.url} unreachable: {error}") from error
            if answer.status == 204:
                raise _NothingMissed()
            if answer.status >= 400:
                from ._http import Response
                failure = Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
                if answer.status in (429, 502, 503, 504):
                    raise HubUnavailable(str(failure.problem()))
                raise failure.problem()
            yield from _sse_messages(answer)
        finally:
            connection.close()

    def _call(self, method: str, path: str, body: Any = None, *, query: Optional[Mapping[str, Any]] = None,
              retry_for: Optional[float] = None) -> Any:
        """A call that waits out a busy or briefly absent hub (``retry_for``) and raises a refusal."""
        return self._transport.call(method, path, body, query=query or self._project_query(),
                                    retry_for=self.retry_for if retry_for is None else retry_for)

    def _project_query(self) -> Dict[str, Any]:
        return {"project": self.project} if self.project else {}

    def _sender_for(self, job: Job) -> Sender:
        return Sender(self._transport, f"/api/jobs/{_quote(job.id)}/events", self._project_query(), job.worker,
                      interval=self.batch_interval, max_batch=self.max_batch, max_buffered=self.max_buffered,
                      heartbeat_interval=self.heartbeat_interval, observe=job._observe, idle=job._idle_interval,
                      after_heartbeat=job._after_heartbeat, name=f"progresshub-{job.id}")

    # the sender thread asks these while paused: one attempt each, it asks again at its next heartbeat

    def _latest_event_id(self, job_id: str, event_type: str) -> int:
        latest, after = 0, None
        while True:
            page = self._call("GET", f"/api/jobs/{_quote(job_id)}/events", retry_for=0,
                              query={"type": event_type, "after": after, "limit": 500, **self._project_query()}).json()
            latest = max([latest] + [int(event["id"]) for event in page["items"]])
            if not page["items"] or page.get("nextAfter") is None:
                return latest
            after = page["nextAfter"]

    def _events_after(self, job_id: str, event_type: str, after: int) -> bool:
        query = {"type": event_type, "after": after, "limit": 1, **self._project_query()}
        return bool(self._call("GET", f"/api/jobs/{_quote(job_id)}/events", query=query, retry_for=0).json()["items"])


class Session:
    """A seed 001 progress session: ``update`` steps, then ``complete`` or ``error``."""

    def __init__(self, client: Client, session_id: str) -> None:
        self.client = client
        self.id = session_id

    def update(self, step: Optional[int] = None, message: Optional[str] = None,
               details: Optional[str] = None) -> Dict[str, Any]:
        """``POST /api/progress/{sessionId}``."""
        body = {k: v for k, v in {"step": step, "message": message, "details": details}.items() if v is not None}
        return self.client._call("POST", f"/api/progress/{self.id}", body).json()

    def complete(self, message: Optional[str] = None) -> Dict[str, Any]:
        """``POST /api/progress/{sessionId}/complete``."""
        return self.client._call("POST", f"/api/progress/{self.id}/complete", {"message": message}).json()

    def error(self, message: str) -> Dict[str, Any]:
        """``POST /api/progress/{sessionId}/error``."""
        return self.client._call("POST", f"/api/progress/{self.id}/error", {"message": message}).json()

    def status(self) -> Dict[str, Any]:
        """``GET /api/progress/status/{sessionId}``."""
        return self.client._call("GET", f"/api/progress/status/{self.id}").json()


class _NothingMissed(Exception):
    """204 on reconnecting: the job has ended and the stream has nothing this client has not seen."""


def _quote(job_id: str) -> str:
    from urllib.parse import quote
    return quote(job_id, safe="")


def _sse_messages(answer: Any) -> Iterator[Dict[str, Any]]:
    """Parses an event stream into ``{"id": int|None, **data}`` messages (comments and ``retry:`` skipped)."""
    event_id: Optional[int] = None
    data: List[str] = []
    while True:
        try:
            raw = answer.readline()
        except OSError as error:
            raise HubUnavailable(f"stream broke: {error}") from error
        if not raw:
            return
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                message = json.loads("\n".join(data))
                if isinstance(message, dict):
                    message["id"] = event_id
                    yield message
            data = []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "data":
            data.append(value)
        elif field == "id":
            try:
                event_id = int(value)
            except ValueError:
                event_id = None

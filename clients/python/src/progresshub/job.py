"""A job as a worker sees it: report calls that never wait on the network, and the control handshake."""

from __future__ import annotations

import atexit
import json
import logging
import threading
import weakref
from datetime import datetime, timezone
from types import TracebackType
from typing import (TYPE_CHECKING, Any, Callable, Dict, Generic, Iterable, Iterator, Mapping, Optional, Type,
                    TypeVar, Union)

from ._sender import Sender
from .errors import Cancelled, HubError, HubUnavailable

if TYPE_CHECKING:
    from .client import Client

log = logging.getLogger("progresshub")

T = TypeVar("T")
PauseCallback = Callable[["Job", bool], None]

TERMINAL = frozenset({"completed", "failed", "cancelled"})
MAX_DATA_BYTES = 8 * 1024
MAX_RESUME_STATE_BYTES = 64 * 1024
#: While paused, how often the job asks the hub whether it may go on.
PAUSED_POLL_SECONDS = 1.0

_open_jobs: "weakref.WeakSet[Job]" = weakref.WeakSet()


@atexit.register
def _flush_open_jobs() -> None:
    """At interpreter exit, deliver what open jobs still hold (a job left open stays running on the hub)."""
    for job in list(_open_jobs):
        job._flush_at_exit()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _camel(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """Drops ``None`` values and renames snake_case keys to the hub's camelCase."""
    out = {}
    for key, value in fields.items():
        if value is not None:
            head, *rest = key.split("_")
            out[head + "".join(part.title() for part in rest)] = value
    return out


def _bounded_data(data: Any) -> Any:
    """The hub refuses ``data`` over 8 KiB (and with it the whole batch): a larger one is cut to a preview."""
    if data is None:
        return None
    text = json.dumps(data, default=str)
    if len(text.encode("utf-8")) <= MAX_DATA_BYTES:
        return json.loads(text)
    log.warning("progresshub: event data over %d bytes replaced by a preview", MAX_DATA_BYTES)
    return {"truncated": True, "preview": text[:2000]}


class Job:
    """One job reported to the hub. Create it with :meth:`Client.job` and use it as a context manager::

        with hub.job("nightly-crawl", name="Nightly crawl", total=150) as job:
            for item in job.track(items):
                ...

    Every report method queues an event and returns at once: a background thread sends the events in
    batches and retries while the hub is away, so a report never fails because of the network. Inside the
    ``with`` block a report raises :class:`Cancelled` once a cancel was requested (see :attr:`cancelled`).
    """

    def __init__(self, client: "Client", job_id: str, *, name: Optional[str] = None,
                 operation: Optional[str] = None, total: Optional[int] = None,
                 stages: Optional[Mapping[str, Optional[int]]] = None, labels: Optional[Mapping[str, str]] = None,
                 heartbeat_seconds: Optional[int] = None, worker: Optional[str] = None,
                 on_pause: Optional[PauseCallback] = None) -> None:
        self.id = job_id
        self.worker = worker or client.worker
        self._client = client
        self._total = total
        self._declared_stages = dict(stages or {})
        self._started_stages: set = set()
        self._create_body = _camel({
            "id": job_id, "name": name or job_id, "operation": operation, "total": total, "labels": labels,
            "heartbeat_seconds": heartbeat_seconds,
            "stages": [{"name": n, **({"total": t} if t is not None else {})} for n, t in (stages or {}).items()]
            or None,
        })
        self._on_pause = on_pause
        self._lock = threading.Condition()
        self._sender: Optional[Sender] = None
        self._inside = False
        self._closed = False
        self._status: Optional[str] = None
        self._requested_state: Optional[str] = None
        self._version: Optional[int] = None
        self._cancel_requested = False
        self._paused = False
        self._pause_request_id: Optional[int] = None
        self._resume_unseen_warned = False

    # --- life cycle -------------------------------------------------------------------------------------------

    def __enter__(self) -> "Job":
        self.start()
        self._inside = True
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> bool:
        self._inside = False
        if exc_type is None:
            if self._cancel_requested:
                self.cancel("cancel requested; stopped at the end of the block")
            else:
                self.complete()
            return False
        if issubclass(exc_type, Cancelled):
            self.cancel("cancelled on request")
            return True
        if issubclass(exc_type, KeyboardInterrupt):
            self.cancel("interrupted (Ctrl-C)")
            return False
        self.fail(f"{exc_type.__name__}: {exc}")
        return False

    def start(self) -> "Job":
        """Creates the job on the hub (the same id again leaves it as it is) and reports ``job_start``.
        Called by ``with``; the first report starts a job that was not started.

        Raises :class:`HubError` when the hub refuses the job (bad name, terminal job, bad token): that is a
        mistake to fix. When the hub cannot be reached, creation is left to the background thread.
        """
        with self._lock:
            if self._sender is not None:
                return self
            self._sender = self._client._sender_for(self)
        try:
            answer = self._client._transport.request("POST", "/api/jobs", self._create_body,
                                                     query=self._client._project_query())
        except HubUnavailable as error:
            log.warning("progresshub: %s; job %s will be created when the hub is back", error, self.id)
            self._sender.create_first(self._create_body)
        else:
            if answer.status in (429, 502, 503, 504):
                self._sender.create_first(self._create_body)
            elif answer.status >= 400:
                self._close_sender(0)
                raise answer.problem()
            else:
                snapshot = answer.json() or {}
                self._observe(snapshot)
                if snapshot.get("status") in TERMINAL:
                    self._close_sender(0)
                    raise HubError(409, f"job {self.id} has already ended ({snapshot.get('status')}): "
                                        "report under a new id")
        _open_jobs.add(self)
        self._queue({"type": "job_start", "total": self._total})
        return self

    def complete(self, message: Optional[str] = None) -> None:
        """Reports ``job_complete`` (open stages close as completed) and delivers what is left."""
        self._finish({"type": "job_complete", "message": message})

    def fail(self, error: str, message: Optional[str] = None) -> None:
        """Reports ``job_fail`` with ``error`` and delivers what is left."""
        self._finish({"type": "job_fail", "error": error, "message": message or error})

    def cancel(self, message: Optional[str] = None) -> None:
        """Confirms a cancel with ``job_cancel`` and delivers what is left."""
        self._finish({"type": "job_cancel", "message": message})

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until the hub acknowledged every event reported so far; False when ``timeout`` passed first."""
        return self._sender.flush(timeout) if self._sender else True

    # --- reports -----------------------------------------------------------------------------------------------

    def progress(self, current: Optional[int] = None, total: Optional[int] = None, *, phase: Optional[str] = None,
                 message: Optional[str] = None, details: Optional[str] = None,
                 current_item: Optional[str] = None) -> None:
        """Reports ``job_progress``: ``current`` never moves back on the hub; other fields replace."""
        self._report({"type": "job_progress", "current": current, "total": total, "phase": phase,
                      "message": message, "details": details, "current_item": current_item})

    def complete_item(self, item: str, *, stage: Optional[str] = None, status: Optional[str] = None,
                      data: Any = None) -> None:
        """Reports ``item_complete``: one more item done (in ``stage``, or the job's ``current``)."""
        self._report({"type": "item_complete", "stage": stage, "item": str(item), "status": status,
                      "data": _bounded_data(data)})

    def fail_item(self, item: str, *, error: str, stage: Optional[str] = None, error_class: Optional[str] = None,
                  data: Any = None) -> None:
        """Reports ``item_fail``: one more item failed, with the error in the job's error ledger."""
        self._report({"type": "item_fail", "stage": stage, "item": str(item), "error": str(error),
                      "error_class": error_class, "data": _bounded_data(data)})

    def stage_progress(self, stage: str, completed: int, *, failed: Optional[int] = None,
                       total: Optional[int] = None, batch_info: Optional[str] = None) -> None:
        """Reports ``stage_progress``, a checkpoint of a stage's counts (they never move back on the hub)."""
        self._report({"type": "stage_progress", "stage": stage, "completed": completed, "failed": failed,
                      "total": total, "batch_info": batch_info})

    def discovered(self, **deltas: int) -> None:
        """Reports ``items_discovered``: ``job.discovered(projects=3, issues=40)`` adds to the per-type counts."""
        self._report({"type": "items_discovered", "items_by_type": dict(deltas)})

    def checkpoint(self, last_processed_id: str, resume_state: Optional[Mapping[str, Any]] = None) -> None:
        """Reports ``checkpoint``: where to resume from (``resume_state`` at most 64 KiB of JSON)."""
        if resume_state is not None and len(json.dumps(resume_state).encode("utf-8")) > MAX_RESUME_STATE_BYTES:
            raise ValueError(f"resume_state is over {MAX_RESUME_STATE_BYTES} bytes of JSON")
        self._report({"type": "checkpoint", "last_processed_id": str(last_processed_id),
                      "resume_state": dict(resume_state) if resume_state is not None else None})

    def message(self, text: str, level: Optional[str] = None) -> None:
        """Reports ``message``: a line in the job's timeline (``level`` e.g. ``info``, ``warning``)."""
        self._report({"type": "message", "message": text, "level": level})

    def stage(self, name: str, total: Optional[int] = None) -> "Stage":
        """A stage of this job; as a context manager it reports ``stage_start`` and then ``stage_complete``,
        or ``stage_fail`` when the block raises."""
        return Stage(self, name, total)

    def track(self, iterable: Iterable[T], *, stage: Optional[str] = None, total: Optional[int] = None,
              item: Optional[Callable[[T], str]] = None, pausable: bool = True) -> "Tracker[T]":
        """Iterates like tqdm and reports ``item_complete`` for each item when the next one is asked for
        (an item whose body raised, or that was left with ``break``, is not reported).

        ``iterable`` may be a tqdm bar: it keeps drawing. A tqdm bar without an iterable (updated by hand
        with ``bar.update(n)``) is returned as is, its updates reported as progress. ``item`` names an item
        (default ``str(item)``). While the job is paused the iteration waits (unless ``pausable=False``).
        """
        if _is_manual_tqdm(iterable):
            return _report_bar_updates(self, iterable, stage)  # type: ignore[return-value]
        return Tracker(self, iterable, stage=stage, total=total, item=item, pausable=pausable)

    # --- control -----------------------------------------------------------------------------------------------

    @property
    def status(self) -> Optional[str]:
        """The job's status in the hub's latest answer (``None`` before the first)."""
        return self._status

    @property
    def requested_state(self) -> Optional[str]:
        """What a controller asked for in the hub's latest answer: ``None``, ``"paused"`` or ``"cancelled"``."""
        return self._requested_state

    @property
    def cancelled(self) -> bool:
        """True once a cancel was requested (reports inside the ``with`` block then raise :class:`Cancelled`)."""
        return self._cancel_requested

    @property
    def paused(self) -> bool:
        """True while a controller has the job paused (confirmed to the hub with ``job_pause``)."""
        return self._paused

    @property
    def waiting(self) -> int:
        """Events reported but not yet acknowledged by the hub."""
        return self._sender.waiting if self._sender else 0

    def wait_while_paused(self, timeout: Optional[float] = None) -> bool:
        """Blocks while the job is paused; True once it may go on, False when ``timeout`` passed first.
        Raises :class:`Cancelled` (inside the ``with`` block) when a cancel is requested meanwhile."""
        with self._lock:
            ok = self._lock.wait_for(lambda: not self._paused or self._cancel_requested, timeout)
        self._raise_if_cancelled()
        return ok

    # --- internals ----------------------------------------------------------------------------------------------

    def _report(self, fields: Dict[str, Any]) -> None:
        if self._sender is None:
            self.start()
        self._queue(fields)
        self._raise_if_cancelled()

    def _queue(self, fields: Dict[str, Any]) -> None:
        if self._closed:
            log.warning("progresshub: job %s is closed; %s not sent", self.id, fields.get("type"))
            return
        event = _camel(fields)
        event["at"] = _now()
        self._sender.add(event)  # type: ignore[union-attr]

    def _raise_if_cancelled(self) -> None:
        if self._inside and self._cancel_requested:
            raise Cancelled(f"job {self.id}: cancel requested")

    def _finish(self, event: Dict[str, Any]) -> None:
        if self._sender is None:
            self.start()
        self._queue(event)
        self._closed = True
        self._close_sender(self._client.close_timeout)

    def _close_sender(self, timeout: float) -> None:
        self._closed = True
        _open_jobs.discard(self)
        if self._sender is not None:
            self._sender.close(timeout)

    def _flush_at_exit(self) -> None:
        if self._sender is not None and not self._closed:
            self._sender.flush(self._client.close_timeout)

    def _observe(self, brief: Mapping[str, Any]) -> None:
        """Takes in the job's state from an answer of the hub (called from the sender thread)."""
        requested = brief.get("requestedState")
        with self._lock:
            self._status = brief.get("status", self._status)
            self._requested_state = requested
            self._version = brief.get("version", self._version)
            cancel_now = requested == "cancelled" and not self._cancel_requested
            pause_now = requested == "paused" and not self._paused
            if cancel_now:
                self._cancel_requested = True
            if pause_now:
                self._paused = True
                self._pause_request_id = None
            self._lock.notify_all()
        if cancel_now:
            log.info("progresshub: job %s: cancel requested", self.id)
        if pause_now and not self._closed:
            self._queue({"type": "job_pause"})
            self._tell_pause(True)

    def _idle_interval(self) -> Optional[float]:
        return PAUSED_POLL_SECONDS if self._paused and not self._cancel_requested else None

    def _after_heartbeat(self) -> None:
        """While paused: a resume request after the pause request lets the job go on (``job_resume``)."""
        if not self._paused or self._cancel_requested or self._closed:
            return
        try:
            if self._pause_request_id is None:
                self._pause_request_id = self._client._latest_event_id(self.id, "pause_requested")
            resumed = self._client._events_after(self.id, "resume_requested", self._pause_request_id)
        except HubError as error:
            if error.status == 403 and not self._resume_unseen_warned:
                self._resume_unseen_warned = True
                log.warning("progresshub: job %s is paused, but the token lacks the read scope needed to see "
                            "a resume request", self.id)
            return
        if resumed:
            with self._lock:
                self._paused = False
                self._lock.notify_all()
            self._queue({"type": "job_resume"})
            self._tell_pause(False)

    def _tell_pause(self, paused: bool) -> None:
        if self._on_pause is not None:
            try:
                self._on_pause(self, paused)
            except Exception:
                log.exception("progresshub: the on_pause callback failed")

    def _stage_used(self, stage: str, total: Optional[int], length: Optional[int]) -> None:
        """Reports ``stage_start`` the first time a stage gets work through :meth:`track`: with the total
        given to ``track``, else the one declared with the job, else the iterable's length."""
        with self._lock:  # two threads tracking one stage start it once
            if stage in self._started_stages:
                return
            self._started_stages.add(stage)
        for candidate in (total, self._declared_stages.get(stage), length):
            if candidate is not None:
                break
        self._queue({"type": "stage_start", "stage": stage, "total": candidate})


class Stage:
    """One stage of a job (CONTRACT section 3): its own counts, status and bar on the dashboard."""

    def __init__(self, job: Job, name: str, total: Optional[int] = None) -> None:
        self.job = job
        self.name = name
        self.total = total

    def __enter__(self) -> "Stage":
        return self.start()

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> bool:
        if exc_type is None:
            self.complete()
        elif not issubclass(exc_type, (Cancelled, KeyboardInterrupt, GeneratorExit)):
            self.fail(f"{exc_type.__name__}: {exc}")
        return False

    def start(self) -> "Stage":
        """Reports ``stage_start`` (with the stage's total)."""
        self.job._started_stages.add(self.name)
        self.job._report({"type": "stage_start", "stage": self.name, "total": self.total})
        return self

    def complete(self, completed: Optional[int] = None, failed: Optional[int] = None,
                 message: Optional[str] = None) -> None:
        """Reports ``stage_complete`` (counts are optional: the hub has counted the items)."""
        self.job._report({"type": "stage_complete", "stage": self.name, "completed": completed, "failed": failed,
                          "message": message})

    def fail(self, message: str) -> None:
        """Reports ``stage_fail``."""
        self.job._report({"type": "stage_fail", "stage": self.name, "message": message})

    def complete_item(self, item: str, *, status: Optional[str] = None, data: Any = None) -> None:
        """``item_complete`` in this stage."""
        self.job.complete_item(item, stage=self.name, status=status, data=data)

    def fail_item(self, item: str, *, error: str, error_class: Optional[str] = None, data: Any = None) -> None:
        """``item_fail`` in this stage."""
        self.job.fail_item(item, error=error, stage=self.name, error_class=error_class, data=data)

    def progress(self, completed: int, *, failed: Optional[int] = None, total: Optional[int] = None,
                 batch_info: Optional[str] = None) -> None:
        """``stage_progress`` for this stage."""
        self.job.stage_progress(self.name, completed, failed=failed, total=total, batch_info=batch_info)

    def track(self, iterable: Iterable[T], **options: Any) -> "Tracker[T]":
        """:meth:`Job.track` in this stage."""
        return self.job.track(iterable, stage=self.name, **options)


class Tracker(Generic[T]):
    """The iterator :meth:`Job.track` returns."""

    def __init__(self, job: Job, iterable: Iterable[T], *, stage: Optional[str], total: Optional[int],
                 item: Optional[Callable[[T], str]], pausable: bool) -> None:
        self._job = job
        self._stage = stage
        self._name = item or str
        self._pausable = pausable
        self._given_total = total if total is not None else _bar_total(iterable)
        self.total = self._given_total if self._given_total is not None else _length(iterable)
        self._iterator: Iterator[T] = iter(iterable)
        self._current: Any = _NOTHING
        self._begun = False

    def __iter__(self) -> "Tracker[T]":
        return self

    def __len__(self) -> int:
        if self.total is None:
            raise TypeError("this tracker's length is unknown")
        return self.total

    def __next__(self) -> T:
        job = self._job
        if not self._begun:
            self._begun = True
            if job._sender is None:
                job.start()
            if self._stage is not None:
                job._stage_used(self._stage, self._given_total, self.total)
            elif self.total is not None and job._total is None:
                job._total = self.total
                job._queue({"type": "job_progress", "total": self.total})
        if self._current is not _NOTHING:
            done, self._current = self._current, _NOTHING
            job.complete_item(self._name(done)[:512], stage=self._stage)
        if self._pausable and job.paused:
            job.wait_while_paused()
        self._current = next(self._iterator)
        return self._current


_NOTHING = object()


def _bar_total(iterable: Iterable[Any]) -> Optional[int]:
    """A tqdm bar's total (what its user said), ``None`` for anything else."""
    total = getattr(iterable, "total", None) if hasattr(iterable, "update") else None
    return int(total) if isinstance(total, (int, float)) and total else None


def _length(iterable: Iterable[Any]) -> Optional[int]:
    try:
        return len(iterable)  # type: ignore[arg-type]
    except TypeError:
        return None


def _is_manual_tqdm(obj: Any) -> bool:
    return (hasattr(obj, "update") and hasattr(obj, "n") and hasattr(obj, "total") and hasattr(obj, "iterable")
            and getattr(obj, "iterable") is None)


def _report_bar_updates(job: Job, bar: Any, stage: Optional[str]) -> Any:
    """Makes a hand-driven tqdm bar report its count (``job_progress``, or ``stage_progress`` in a stage)."""
    update = bar.update

    def reporting_update(n: Union[int, float] = 1) -> Any:
        shown = update(n)
        total = int(bar.total) if bar.total else None
        if stage is None:
            job.progress(int(bar.n), total)
        else:
            job.stage_progress(stage, int(bar.n), total=total)
        return shown

    bar.update = reporting_update
    return bar

"""The calls the seed systems' workers already make, kept so their code moves over with an import change."""

from __future__ import annotations

import threading
from typing import Any, Dict, Optional

from .client import Client
from .job import Job

_lock = threading.Lock()
_default: Optional[Client] = None


def default_client() -> Client:
    """The client the seed shapes use: ``Client()`` (from the environment) unless :func:`use` set one."""
    global _default
    with _lock:
        if _default is None:
            _default = Client()
        return _default


def use(client: Client) -> None:
    """Makes :class:`EventLogger` and :func:`crawler_report` report through ``client``."""
    global _default
    with _lock:
        _default = client
        EventLogger._jobs.clear()


def crawler_report(task_id: str, status: str, **fields: Any) -> Optional[Dict[str, Any]]:
    """Seed 003's progress report, ``POST /api/internal/jobs/progress``: see :meth:`Client.crawler_report`."""
    return default_client().crawler_report(task_id, status, **fields)


class EventLogger:
    """Seed 002's event log: the same class-level calls, reported as events of the job ``str(batch_id)``.

    Each call queues an event and returns at once (batched in the background, retried while the hub is
    away, flushed at exit). ``processed_files`` counts the files done; ``failed_files`` the failed ones.
    """

    _jobs: Dict[str, Job] = {}

    @classmethod
    def job(cls, batch_id: Any) -> Job:
        """The job a batch reports to (started on first use)."""
        key = str(batch_id)
        with _lock:
            job = cls._jobs.get(key)
        if job is None:
            job = default_client().job(key, name=f"Batch {key}").start()
            with _lock:
                job = cls._jobs.setdefault(key, job)
        return job

    @classmethod
    def stage_start(cls, batch_id: Any, stage: str, total_files: Optional[int] = None) -> None:
        """``stage_start`` with the stage's total."""
        cls.job(batch_id).stage(stage, total_files).start()

    @classmethod
    def file_complete(cls, batch_id: Any, stage: str, file_name: str, gpu_ip: Optional[str] = None,
                      response: Any = None) -> None:
        """``item_complete``; ``gpu_ip`` and ``response`` are kept in the event's data."""
        status = response.get("status") if isinstance(response, dict) else None
        data = {k: v for k, v in {"gpuIp": gpu_ip, "response": response}.items() if v is not None} or None
        cls.job(batch_id).complete_item(file_name, stage=stage, status=status, data=data)

    @classmethod
    def file_fail(cls, batch_id: Any, stage: str, file_name: str, error: str, gpu_ip: Optional[str] = None,
                  error_class: Optional[str] = None) -> None:
        """``item_fail``: the file goes to the job's error ledger."""
        data = {"gpuIp": gpu_ip} if gpu_ip else None
        cls.job(batch_id).fail_item(file_name, error=error, stage=stage, error_class=error_class, data=data)

    @classmethod
    def stage_progress(cls, batch_id: Any, stage: str, processed_files: int, total_files: Optional[int] = None,
                       failed_files: Optional[int] = None) -> None:
        """``stage_progress``: a checkpoint of the stage's counts (never moves back)."""
        cls.job(batch_id).stage_progress(stage, processed_files, failed=failed_files, total=total_files)

    @classmethod
    def stage_complete(cls, batch_id: Any, stage: str, processed_files: Optional[int] = None,
                       failed_files: Optional[int] = None) -> None:
        """``stage_complete`` with the final counts."""
        cls.job(batch_id).stage(stage).complete(completed=processed_files, failed=failed_files)

    @classmethod
    def stage_fail(cls, batch_id: Any, stage: str, error: str) -> None:
        """``stage_fail``."""
        cls.job(batch_id).stage(stage).fail(error)

    @classmethod
    def batch_complete(cls, batch_id: Any, message: Optional[str] = None) -> None:
        """Ends the batch's job as completed and delivers its events."""
        cls._pop(batch_id).complete(message)

    @classmethod
    def batch_fail(cls, batch_id: Any, error: str) -> None:
        """Ends the batch's job as failed and delivers its events."""
        cls._pop(batch_id).fail(error)

    @classmethod
    def flush(cls, timeout: Optional[float] = None) -> bool:
        """Waits until the hub has every event logged so far."""
        with _lock:
            jobs = list(cls._jobs.values())
        return all(job.flush(timeout) for job in jobs)

    @classmethod
    def _pop(cls, batch_id: Any) -> Job:
        job = cls.job(batch_id)
        with _lock:
            cls._jobs.pop(str(batch_id), None)
        return job

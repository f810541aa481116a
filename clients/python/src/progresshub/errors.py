"""What the client raises."""

from __future__ import annotations

from typing import Any, Dict, Optional


class HubError(Exception):
    """The hub refused a request (``status`` is its HTTP status; ``problem`` its problem document)."""

    def __init__(self, status: Optional[int], message: str, problem: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem or {}


class HubUnavailable(HubError):
    """No answer from the hub: connection refused or reset, or a timeout."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class Cancelled(Exception):
    """Raised at the next report inside a ``with hub.job(...)`` block once someone asked to cancel the job.

    Leaving the block with it confirms the cancel (``job_cancel``); the ``with`` statement swallows it,
    so the code after the block runs and ``job.cancelled`` is ``True``.
    """

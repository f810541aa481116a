"""Events waiting to be sent, bounded while the hub is away."""

from __future__ import annotations

from collections import deque
from typing import Any, Deque, Dict, Hashable, List, Optional, Tuple

Event = Dict[str, Any]

#: Events that only restate where the work stands: a newer one of the same kind says it all, so while the
#: hub is away the older ones are merged into the newest (counts taken as the highest, fields the newest).
_HIGHEST = ("current", "completed", "failed", "total")


def _coalescing_key(event: Event) -> Optional[Hashable]:
    kind = event.get("type")
    if kind in ("job_progress", "checkpoint", "heartbeat", "items_discovered"):
        return (kind,)
    if kind == "stage_progress":
        return (kind, event.get("stage"))
    return None


def _merge_older(newer: Event, older: Event) -> None:
    """Folds ``older`` into ``newer`` (same coalescing key)."""
    if newer["type"] == "items_discovered":
        counts = dict(older.get("itemsByType", {}))
        for kind, delta in newer.get("itemsByType", {}).items():
            counts[kind] = counts.get(kind, 0) + delta
        newer["itemsByType"] = counts
        return
    for field, value in older.items():
        if field in _HIGHEST and field in newer and value is not None and newer[field] is not None:
            newer[field] = max(newer[field], value)
        else:
            newer.setdefault(field, value)


class EventBuffer:
    """A FIFO of unsent events with a bound. Past the bound, progress-only events (``job_progress``,
    ``stage_progress``, ``checkpoint``, ``heartbeat``, ``items_discovered``) are coalesced into the newest of
    their kind; item and life-cycle events are kept. When even they fill the bound, new events are dropped
    and counted in :attr:`dropped` (memory stays bounded whatever happens).
    """

    def __init__(self, bound: int) -> None:
        if bound < 1:
            raise ValueError("bound must be at least 1")
        self.bound = bound
        self.dropped = 0
        self.coalesced = 0
        self._events: Deque[Tuple[float, Event]] = deque()

    def __len__(self) -> int:
        return len(self._events)

    def append(self, event: Event, at: float) -> bool:
        """Adds an event (``at``: when it was reported). False when it had to be dropped."""
        if len(self._events) >= self.bound:
            self._coalesce()
            if len(self._events) >= self.bound:
                self.dropped += 1
                return False
        self._events.append((at, event))
        return True

    def oldest_at(self) -> Optional[float]:
        """When the oldest waiting event was reported."""
        return self._events[0][0] if self._events else None

    def take(self, count: int) -> List[Event]:
        """Removes and returns up to ``count`` of the oldest events."""
        taken = []
        while self._events and len(taken) < count:
            taken.append(self._events.popleft()[1])
        return taken

    def _coalesce(self) -> None:
        newest_of: Dict[Hashable, Event] = {}
        kept: List[Tuple[float, Event]] = []
        for at, event in reversed(self._events):
            key = _coalescing_key(event)
            if key is None:
                kept.append((at, event))
            elif key in newest_of:
                _merge_older(newest_of[key], event)
                self.coalesced += 1
            else:
                newest_of[key] = event
                kept.append((at, event))
        kept.reverse()
        self._events = deque(kept)

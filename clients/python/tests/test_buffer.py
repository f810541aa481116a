"""The bound on what waits while the hub is away (plain logic, no hub needed)."""

from __future__ import annotations

from progresshub._buffer import EventBuffer


def test_past_the_bound_progress_is_merged_into_the_newest_and_item_events_are_kept() -> None:
    buffer = EventBuffer(bound=10)
    for i in range(1, 6):
        buffer.append({"type": "item_complete", "item": f"item-{i}"}, at=i)
        buffer.append({"type": "job_progress", "current": i, "phase": f"phase {i}"}, at=i)
        buffer.append({"type": "stage_progress", "stage": "download", "completed": 10 - i}, at=i)
        buffer.append({"type": "items_discovered", "itemsByType": {"issues": 1}}, at=i)

    events = buffer.take(100)
    assert len(events) <= 10 and buffer.dropped == 0
    assert [e["item"] for e in events if e["type"] == "item_complete"] == [f"item-{i}" for i in range(1, 6)]
    progress = [e for e in events if e["type"] == "job_progress"]
    assert progress[-1]["phase"] == "phase 5" and progress[-1]["current"] == 5
    stage = [e for e in events if e["type"] == "stage_progress"]
    assert stage[-1]["completed"] == 9, "a checkpoint's counts never move back: the highest is kept"
    discovered = sum(e["itemsByType"]["issues"] for e in events if e["type"] == "items_discovered")
    assert discovered == 5, "discovery deltas add up when merged"


def test_a_bound_full_of_item_events_drops_the_newest_and_counts_them() -> None:
    buffer = EventBuffer(bound=3)
    for i in range(5):
        buffer.append({"type": "item_complete", "item": f"item-{i}"}, at=i)

    assert [e["item"] for e in buffer.take(10)] == ["item-0", "item-1", "item-2"]
    assert buffer.dropped == 2

"""The control handshake (CONTRACT section 5) as a worker using the client lives it."""

from __future__ import annotations

import itertools
import threading
import time
from typing import List

from progresshub import Cancelled, Client
from hub_service import wait_for


def types_of(admin: Client, job_id: str) -> List[str]:
    return [e["type"] for e in admin.all_events(job_id)]


def test_a_cancel_raises_at_the_next_report_and_leaving_the_block_confirms_it(client: Client, admin: Client) -> None:
    reported_after_cancel = []
    deadline = time.monotonic() + 60
    with client.job("to-cancel", name="Cancelled crawl") as job:
        for i in itertools.count():
            job.complete_item(f"page-{i}")
            if i == 5:
                job.flush(30)
                admin.cancel(job.id)
            if i > 5:
                reported_after_cancel.append(i)
            assert time.monotonic() < deadline, "no Cancelled raised within 60 s of the cancel request"
            time.sleep(0.01)  # a worker's pace, so the cancel reaches it in a handful of items
    assert job.cancelled

    snapshot = admin.get("to-cancel")
    assert snapshot["status"] == "cancelled"
    assert snapshot["requestedState"] is None
    types = types_of(admin, "to-cancel")
    assert types.index("cancel_requested") < types.index("job_cancel") == len(types) - 1
    assert "job_complete" not in types
    # the report that raised was delivered too: every item reported once
    assert snapshot["progress"]["current"] == 6 + len(reported_after_cancel) + 1


def test_cancelled_is_raised_by_track_and_swallowed_by_the_with_statement(client: Client, admin: Client) -> None:
    seen = []
    deadline = time.monotonic() + 60
    with client.job("track-cancel") as job:
        for page in job.track(itertools.count()):
            seen.append(page)
            if page == 3:
                job.flush(30)
                admin.cancel(job.id)
            assert time.monotonic() < deadline, "track raised no Cancelled within 60 s of the cancel request"
            time.sleep(0.01)
    assert job.cancelled and len(seen) > 4
    snapshot = admin.get("track-cancel")
    assert snapshot["status"] == "cancelled"
    assert snapshot["progress"]["current"] == len(seen), "every item handed out was reported, none twice"


def test_a_pause_is_confirmed_waits_in_track_and_a_resume_goes_on(client: Client, admin: Client) -> None:
    told: List[bool] = []
    progressed = threading.Event()
    job = client.job("pausable", stages={"download": 50}, on_pause=lambda _job, paused: told.append(paused))

    def crawl() -> None:
        with job:
            for i in job.track(range(50), stage="download"):
                if i == 10:
                    progressed.set()
                    deadline = time.monotonic() + 60
                    while not told and time.monotonic() < deadline:
                        job.progress(current=i)  # reports until the pause comes back in an answer
                        time.sleep(0.02)

    worker = threading.Thread(target=crawl)
    worker.start()
    assert progressed.wait(60)
    admin.pause(job.id)
    wait_for("the worker to confirm the pause", lambda: admin.get(job.id)["status"] == "paused", timeout=60)
    assert job.paused and told == [True]
    held = admin.get(job.id)["stages"][0]["completed"]
    assert held < 50, "track waits while paused"

    admin.resume(job.id)
    worker.join(60)
    assert not worker.is_alive()
    assert told == [True, False]
    snapshot = admin.get(job.id)
    assert (snapshot["status"], snapshot["stages"][0]["completed"]) == ("completed", 50)
    types = types_of(admin, job.id)
    assert types.index("pause_requested") < types.index("job_pause") < types.index("resume_requested") \
        < types.index("job_resume") < types.index("job_complete")

"""The seed shapes: EventLogger (002), crawler_report (003) and sessions (001) mean what the seeds meant."""

from __future__ import annotations

from typing import Iterator

import pytest

import progresshub
from progresshub import Client, EventLogger


@pytest.fixture
def seeds_use(client: Client) -> Iterator[Client]:
    progresshub.use(client)
    yield client
    progresshub.use(Client())


def test_event_logger_counts_files_per_stage_like_seed_002(seeds_use: Client, admin: Client) -> None:
    EventLogger.stage_start(123, "denoise", total_files=500)
    for i in range(1, 101):
        EventLogger.file_complete(123, "denoise", f"audio{i:03d}.wav", "10.0.0.7", {"status": "success"})
    EventLogger.file_fail(123, "denoise", "audio096-retry.wav", "GPU timeout", error_class="timeout")
    EventLogger.stage_progress(123, "denoise", processed_files=100, total_files=500)
    assert EventLogger.flush(30)

    stage = admin.get("123")["stages"][0]
    assert (stage["name"], stage["status"], stage["total"], stage["completed"], stage["failed"], stage["percent"]) == \
        ("denoise", "running", 500, 100, 1, 20.2)
    first = next(admin.all_events("123", type="item_complete"))
    assert (first["item"], first["status"], first["data"]) == \
        ("audio001.wav", "success", {"gpuIp": "10.0.0.7", "response": {"status": "success"}})

    EventLogger.stage_complete(123, "denoise", processed_files=495, failed_files=5)
    EventLogger.batch_complete(123)
    snapshot = admin.get("123")
    assert snapshot["status"] == "completed"
    assert (snapshot["stages"][0]["completed"], snapshot["stages"][0]["failed"]) == (495, 5)


def test_crawler_report_accumulates_and_a_retried_update_counts_once(seeds_use: Client, admin: Client) -> None:
    progresshub.crawler_report("crawl-1", "started", total_items=400)
    progresshub.crawler_report("crawl-1", "processing", processed_items=100, items_by_type={"groups": 5, "issues": 75})
    for _ in range(2):  # the same update sent twice, as after a lost answer
        answer = progresshub.crawler_report("crawl-1", "processing", processed_items=150,
                                            items_by_type={"issues": 50}, last_processed_id="issue-9912",
                                            resume_state={"cursor": "abc"}, update_id="c1-000042")
        assert answer["job"]["requestedState"] is None
    progresshub.crawler_report("crawl-1", "processing", processed_items=120)  # out of order: never moves back

    snapshot = admin.get("crawl-1")
    assert snapshot["itemsByType"] == {"groups": 5, "issues": 125}
    assert (snapshot["progress"]["current"], snapshot["progress"]["total"]) == (150, 400)
    assert (snapshot["lastProcessedId"], snapshot["resumeState"]) == ("issue-9912", {"cursor": "abc"})

    admin.cancel("crawl-1")
    told = progresshub.crawler_report("crawl-1", "processing", processed_items=160)
    assert told["job"]["requestedState"] == "cancelled"


def test_a_session_reports_steps_like_seed_001(client: Client) -> None:
    session = client.session("bulk_import", total_steps=20)
    session.update(step=5, message="Imported 5 of 20 posts...", details="@username")
    status = session.status()
    assert (status["step"], status["totalSteps"], status["percentage"], status["message"], status["details"]) == \
        (5, 20, 25, "Imported 5 of 20 posts...", "@username")
    session.error("Apify quota exceeded")
    assert session.status()["type"] == "error"

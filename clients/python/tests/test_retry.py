"""The hub away, busy or restarting: nothing reported is lost, nothing is counted twice."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from progresshub import Client, HubError
from hub_service import HubService, wait_for


def test_the_hub_killed_and_restarted_mid_run_loses_nothing_and_counts_nothing_twice(
        hub: HubService, token: str, admin: Client) -> None:
    total = 3000
    client = Client(hub.url, token, close_timeout=300)
    job = client.job("outage", stages={"download": total})
    failures = []

    def crawl() -> None:
        try:
            with job:
                for _ in job.track(range(total), stage="download", item=lambda i: f"file-{i:05d}"):
                    time.sleep(0.002)  # the crawler's own pace
        except BaseException as error:  # a report must never raise while the hub is away
            failures.append(error)

    worker = threading.Thread(target=crawl)
    worker.start()
    wait_for("the first items to land", lambda: completed(admin, "outage") >= 300)
    hub.kill()
    wait_for("reports to wait in the client while the hub is away", lambda: job.waiting >= 200)
    hub.start()
    worker.join(360)
    assert not worker.is_alive() and failures == []

    snapshot = admin.get("outage")
    assert snapshot["status"] == "completed"
    assert (snapshot["stages"][0]["completed"], snapshot["stages"][0]["failed"]) == (total, 0)
    items = [e["item"] for e in admin.all_events("outage", type="item_complete")]
    assert len(items) == total and len(set(items)) == total
    types = [e["type"] for e in admin.all_events("outage")]
    assert (types.count("job_start"), types.count("job_complete")) == (1, 1)


def test_rate_limited_reports_wait_as_told_and_count_once(client: Client, admin: Client,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="progresshub")
    reports_per_thread, threads = 5, 24  # 120 reports from 24 threads against 10 per second (burst 20)
    client.crawler_report("limited", "started")
    drain = [threading.Thread(target=client.get, args=("limited",)) for _ in range(threads)]
    for reader in drain:  # an empty bucket: however slow the machine, 24 threads ask faster than 10 per second
        reader.start()
    for reader in drain:
        reader.join()

    def report() -> None:
        for _ in range(reports_per_thread):
            assert client.crawler_report("limited", "processing", items_by_type={"pages": 1}) is not None

    workers = [threading.Thread(target=report) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert admin.get("limited")["itemsByType"] == {"pages": reports_per_thread * threads}
    assert any("HTTP 429" in record.getMessage() for record in caplog.records), "the limit was never hit"


def test_reports_never_raise_while_the_hub_is_unreachable(token: str) -> None:
    nowhere = Client("http://127.0.0.1:9", token, close_timeout=1, retry_for=1)  # port 9: nothing listens
    job = nowhere.job("unreachable")
    with job:
        for i in range(100):
            job.complete_item(f"item-{i}")
        assert job.waiting >= 100
    assert nowhere.crawler_report("unreachable", "processing") is None


def completed(admin: Client, job_id: str) -> int:
    try:
        return admin.get(job_id)["stages"][0]["completed"]
    except HubError:  # not created yet
        return 0

"""Client.job and its report calls, against the real service."""

from __future__ import annotations

from progresshub import Client
from hub_service import wait_for


def test_three_lines_complete_a_job_with_every_item_counted(client: Client, admin: Client) -> None:
    items = [f"artist-{i}" for i in range(150)]
    with client.job("artists", name="Scrape artists", total=150) as job:
        for item in job.track(items):
            pass

    snapshot = admin.get("artists")
    assert snapshot["status"] == "completed"
    assert snapshot["progress"]["current"] == 150
    assert snapshot["progress"]["percent"] == 100.0
    completed = [e["item"] for e in admin.all_events("artists", type="item_complete")]
    assert sorted(completed) == sorted(items)

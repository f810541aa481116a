"""Client.job and its report calls, against the real service: what lands in the snapshot and the timeline."""

from __future__ import annotations

import threading
from typing import Any, Dict, List

import pytest

from progresshub import Client, HubError


def timeline(admin: Client, job_id: str, **filters: Any) -> List[Dict[str, Any]]:
    return list(admin.all_events(job_id, **filters))


def test_track_reports_each_item_once_and_leaving_the_block_completes_the_job(client: Client, admin: Client) -> None:
    items = [f"artist-{i}" for i in range(150)]
    with client.job("artists", name="Scrape artists", total=150) as job:
        for _ in job.track(items):
            pass

    snapshot = admin.get("artists")
    assert snapshot["name"] == "Scrape artists"
    assert snapshot["status"] == "completed"
    assert snapshot["progress"]["current"] == 150
    assert snapshot["progress"]["percent"] == 100.0
    assert sorted(e["item"] for e in timeline(admin, "artists", type="item_complete")) == sorted(items)


def test_every_report_call_reaches_the_snapshot(client: Client, admin: Client) -> None:
    with client.job("calls", name="Every call", total=10, stages={"download": 3}) as job:
        for _ in job.track(["a.wav", "b.wav"], stage="download"):
            pass
        job.fail_item("c.wav", stage="download", error="GPU timeout", error_class="timeout")
        job.complete_item("page-1")
        job.progress(current=4, phase="Scraping artists (4/10)", details="Processing: Artist Name",
                     current_item="Artist Name")
        job.discovered(projects=3, issues=40)
        job.discovered(issues=2)
        job.checkpoint("issue-9912", {"cursor": "abc"})
        job.message("halfway there", level="info")
        with job.stage("extract", 4) as extract:
            extract.complete_item("a.mp3")
            extract.progress(2, failed=1, batch_info="3/4 total (1 remaining)")
        assert job.flush(30)
        during = admin.get("calls")

    assert during["status"] == "running"
    download, extract_stage = during["stages"]
    assert (download["name"], download["status"], download["total"], download["completed"], download["failed"]) == \
        ("download", "running", 3, 2, 1)
    assert (extract_stage["name"], extract_stage["status"], extract_stage["total"], extract_stage["completed"],
            extract_stage["failed"], extract_stage["batchInfo"]) == \
        ("extract", "completed", 4, 2, 1, "3/4 total (1 remaining)")
    progress = during["progress"]
    assert (progress["current"], progress["phase"], progress["details"], progress["currentItem"]) == \
        (4, "Scraping artists (4/10)", "Processing: Artist Name", "Artist Name")
    assert during["itemsByType"] == {"projects": 3, "issues": 42}
    assert during["errors"]["byClass"] == {"timeout": 1}
    assert during["errors"]["recent"][0]["item"] == "c.wav"
    assert (during["lastProcessedId"], during["resumeState"]) == ("issue-9912", {"cursor": "abc"})
    assert [e["message"] for e in timeline(admin, "calls", type="message")] == ["halfway there"]
    types = [e["type"] for e in timeline(admin, "calls")]
    assert types.index("stage_start") < types.index("item_complete")
    assert types[-1] == "job_complete"
    assert admin.get("calls")["status"] == "completed"


def test_events_carry_the_worker_and_a_gapless_seq(client: Client, admin: Client) -> None:
    with client.job("numbered") as job:
        for i in range(30):
            job.complete_item(f"item-{i}")

    numbered = [e for e in timeline(admin, "numbered") if e.get("seq") is not None]
    assert {e["worker"] for e in numbered} == {client.worker}
    assert [e["seq"] for e in numbered] == list(range(1, len(numbered) + 1))
    assert len(numbered) == 32  # job_start, 30 items, job_complete


def test_an_exception_in_the_block_fails_the_job_and_its_open_stage(client: Client, admin: Client) -> None:
    with pytest.raises(ValueError):
        with client.job("broken") as job:
            with job.stage("parse", 10):
                job.complete_item("row-1", stage="parse")
                raise ValueError("row 2 is not CSV")

    snapshot = admin.get("broken")
    assert snapshot["status"] == "failed"
    assert snapshot["progress"]["message"] == "ValueError: row 2 is not CSV"
    assert snapshot["stages"][0]["status"] == "failed"
    assert [e["type"] for e in timeline(admin, "broken")][-2:] == ["stage_fail", "job_fail"]


def test_threads_report_into_one_job_without_losing_or_doubling(client: Client, admin: Client) -> None:
    with client.job("threads", stages={"download": 800}) as job:
        def work(worker: int) -> None:
            for i in range(200):
                job.complete_item(f"w{worker}-{i}", stage="download")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert admin.get("threads")["stages"][0]["completed"] == 800
    seqs = [e["seq"] for e in timeline(admin, "threads") if e.get("seq") is not None]
    assert len(seqs) == len(set(seqs)) == 802


def test_a_job_that_already_ended_is_refused_at_the_start(client: Client) -> None:
    with client.job("once"):
        pass
    with pytest.raises(HubError, match="already ended"):
        with client.job("once"):
            pass


def test_a_bad_job_is_refused_at_the_start_with_the_hubs_reason(client: Client) -> None:
    with pytest.raises(HubError) as refused:
        client.job("bad id with spaces").start()
    assert refused.value.status == 400


def test_track_wraps_a_tqdm_bar_which_keeps_drawing(client: Client, admin: Client) -> None:
    tqdm = pytest.importorskip("tqdm").tqdm
    import io
    drawn = io.StringIO()
    with client.job("bars", stages={"download": None}) as job:
        for _ in job.track(tqdm(range(40), file=drawn, desc="download"), stage="download"):
            pass
        manual = job.track(tqdm(total=25, file=drawn, desc="extract"), stage="extract")
        for _ in range(25):
            manual.update(1)
        manual.close()
        assert job.flush(30)
        during = admin.get("bars")

    download, extract = during["stages"]
    assert (download["total"], download["completed"]) == (40, 40)
    assert (extract["total"], extract["completed"]) == (25, 25)
    assert "40/40" in drawn.getvalue() and "25/25" in drawn.getvalue()


def test_oversized_data_is_cut_to_a_preview_instead_of_losing_the_batch(client: Client, admin: Client) -> None:
    with client.job("big-data") as job:
        job.complete_item("huge", data={"response": "x" * 20_000})
        job.complete_item("small", data={"status": "success"})

    items = {e["item"]: e.get("data") for e in timeline(admin, "big-data", type="item_complete")}
    assert items["huge"]["truncated"] is True
    assert items["small"] == {"status": "success"}
    assert admin.get("big-data")["progress"]["current"] == 2


def test_the_end_of_the_program_delivers_what_an_open_job_still_holds(tmp_path, hub_env, admin: Client) -> None:
    import subprocess
    import sys
    script = tmp_path / "leaves.py"
    script.write_text("from progresshub import Client\n"
                      "job = Client(batch_interval=60).job('left-open').start()\n"
                      "for i in range(25):\n"
                      "    job.complete_item(f'item-{i}')\n")  # no flush, no with: atexit delivers

    assert subprocess.run([sys.executable, str(script)], env=hub_env, timeout=120).returncode == 0
    snapshot = admin.get("left-open")
    assert (snapshot["status"], snapshot["progress"]["current"]) == ("running", 25)

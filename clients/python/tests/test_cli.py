"""The progress-hub command, run as a user runs it (the console script of the installed package)."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Dict, List

import pytest

from progresshub import Client, HubError
from hub_service import wait_for

COMMAND = str(Path(sys.executable).parent / "progress-hub")

SCRAPER = textwrap.dedent("""\
    import sys
    n = 20
    for i in range(1, n + 1):
        print(f"PROGRESS: Processing artist {i}/{n}: Artist {i}", flush=True)
        sys.stderr.write(f"\\rScraping:  {i * 5}%|{'#' * (i // 2)}| {i}/{n} [00:0{i % 10}<00:01,  4.50it/s]")
        sys.stderr.flush()
    sys.stderr.write("\\n")
    print("all done")
    sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
""")


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text)
    return str(path)


def events_of(admin: Client, job_id: str) -> List[Dict]:
    return list(admin.all_events(job_id))


def test_run_passes_output_through_unchanged_and_a_zero_exit_completes_the_job(
        tmp_path: Path, hub_env: Dict[str, str], admin: Client) -> None:
    script = write(tmp_path, "scrape.py", SCRAPER)
    direct = subprocess.run([sys.executable, script], capture_output=True)

    run = subprocess.run([COMMAND, "run", "--job", "scrape", "--name", "Scrape artists", "--",
                          sys.executable, script], capture_output=True, env=hub_env, timeout=120)

    assert run.returncode == 0
    assert run.stdout == direct.stdout
    assert run.stderr == direct.stderr, "tqdm bars on stderr pass through byte for byte"
    snapshot = admin.get("scrape")
    assert (snapshot["name"], snapshot["status"]) == ("Scrape artists", "completed")
    assert (snapshot["progress"]["current"], snapshot["progress"]["total"]) == (20, 20)
    assert events_of(admin, "scrape")[-1]["type"] == "job_complete"


def test_run_reports_a_failing_command_with_its_status_and_last_lines(
        tmp_path: Path, hub_env: Dict[str, str], admin: Client) -> None:
    script = write(tmp_path, "scrape.py", SCRAPER)

    run = subprocess.run([COMMAND, "run", "--job", "failing", "--", sys.executable, script, "3"],
                         capture_output=True, env=hub_env, timeout=120)

    assert run.returncode == 3
    snapshot = admin.get("failing")
    assert snapshot["status"] == "failed"
    message = snapshot["progress"]["message"]
    assert message.startswith("exit status 3; last lines:\n")
    # stdout's and stderr's last lines; a bar's redraws (\r) count as one line, as on a terminal
    assert "all done" in message and "Scraping:  100%" in message and "Scraping:  95%" not in message
    last = events_of(admin, "failing")[-1]
    assert (last["type"], last["error"]) == ("job_fail", "exit status 3")


def test_ctrl_c_cancels_the_job_and_run_exits_like_the_command(
        tmp_path: Path, hub_env: Dict[str, str], admin: Client) -> None:
    endless = write(tmp_path, "endless.py", textwrap.dedent("""\
        import itertools, time
        for i in itertools.count(1):
            print(f"PROGRESS: Processing page {i}/1000: page {i}", flush=True)
            time.sleep(0.05)
    """))
    run = subprocess.Popen([COMMAND, "run", "--job", "endless", "--", sys.executable, endless],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=hub_env,
                           start_new_session=True)  # no terminal: the signal reaches run alone, which passes it on
    try:
        wait_for("the command's progress to reach the hub", lambda: _current(admin, "endless") >= 3)
        run.send_signal(signal.SIGINT)
        assert run.wait(60) == 128 + signal.SIGINT
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    snapshot = admin.get("endless")
    assert snapshot["status"] == "cancelled"
    last = events_of(admin, "endless")[-1]
    assert (last["type"], last["message"]) == ("job_cancel", "interrupted (Ctrl-C)")


def test_watch_prints_the_job_and_stage_lines_until_the_job_ends(
        hub_env: Dict[str, str], client: Client, admin: Client) -> None:
    job = client.job("watched", name="Watched", total=4, stages={"download": 4}).start()
    job.complete_item("a.wav", stage="download")
    assert job.flush(30)
    lines: List[str] = []
    watch = subprocess.Popen([COMMAND, "watch", "watched"], stdout=subprocess.PIPE, env=hub_env, text=True)
    reader = threading.Thread(target=lambda: lines.extend(watch.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        wait_for("watch to draw the job", lambda: any(line.startswith("watched  running") for line in list(lines)))
        for item in ("b.wav", "c.wav", "d.wav"):
            job.complete_item(item, stage="download")
        job.progress(current=4)
        job.complete()
        assert watch.wait(60) == 0
        reader.join(10)
    finally:
        if watch.poll() is None:
            watch.kill()
    job_lines = [line for line in lines if line.startswith("watched ")]
    stage_lines = [line for line in lines if line.startswith("  download ")]
    assert "completed" in job_lines[-1] and "4/4" in job_lines[-1] and "100.0%" in job_lines[-1]
    assert "running" in stage_lines[0] and "1/4" in stage_lines[0]
    assert "completed" in stage_lines[-1] and "4/4" in stage_lines[-1]
    assert len(set(lines)) == len(lines), "plain output prints a line only when it changed"


def test_watch_on_a_terminal_redraws_the_bars_in_place(hub_env: Dict[str, str], client: Client) -> None:
    with client.job("drawn", total=2, stages={"extract": 2}) as job:
        job.complete_item("a", stage="extract")
        job.complete_item("b", stage="extract")
        job.progress(current=2)
    controller, terminal = pty.openpty()
    watch = subprocess.Popen([COMMAND, "watch", "drawn"], stdout=terminal, env=hub_env)
    os.close(terminal)
    drawn = b""
    try:
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the command ended and closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        assert watch.wait(60) == 0
    finally:
        os.close(controller)
        if watch.poll() is None:
            watch.kill()
    text = drawn.decode("utf-8")
    assert "\x1b[K" in text, "each line is cleared as it is redrawn"
    assert "drawn  completed  [████████████████████]  2/2  100.0%" in text
    assert "  extract  completed" in text


def test_jobs_lists_the_projects_jobs(hub_env: Dict[str, str], client: Client) -> None:
    with client.job("listed-1", name="First listed"):
        pass
    client.job("listed-2", name="Second listed").start().flush(30)

    listing = subprocess.run([COMMAND, "jobs"], capture_output=True, text=True, env=hub_env, timeout=60)

    assert listing.returncode == 0
    rows = {line.split()[0]: line.split()[1] for line in listing.stdout.splitlines()[1:]}
    assert rows == {"listed-1": "completed", "listed-2": "running"}


def test_token_create_prints_a_token_with_the_asked_scopes(hub: object, project: str) -> None:
    admin_env = {**os.environ, "PROGRESS_HUB_URL": hub.url, "PROGRESS_HUB_TOKEN": hub.admin_token}  # type: ignore
    created = subprocess.run([COMMAND, "token", "create", "--project", project, "--scope", "read"],
                             capture_output=True, text=True, env=admin_env, timeout=60)

    assert created.returncode == 0
    reader = Client(hub.url, created.stdout.strip())  # type: ignore[attr-defined]
    assert reader.jobs() == []
    with pytest.raises(HubError) as refused:
        reader.job("not-allowed").start()
    assert refused.value.status == 403


def _current(admin: Client, job_id: str) -> int:
    try:
        return admin.get(job_id)["progress"]["current"]
    except HubError:
        return 0

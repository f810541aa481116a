"""The ``progress-hub`` command: ``run``, ``watch``, ``jobs`` and ``token create``."""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import uuid
from collections import deque
from typing import Any, Deque, Dict, Iterator, List, Optional, Sequence, TextIO, Tuple

from ._http import Backoff
from .client import Client
from .errors import HubError, HubUnavailable
from .job import TERMINAL

#: Lines kept for a failed command's job_fail message.
TAIL_LINES = 10
#: Lines waiting for the upload; past it lines are dropped from the upload (never from the terminal).
MAX_QUEUED_LINES = 10_000
#: How often ``run`` tells the hub it is alive and learns whether a cancel was requested.
RUN_HEARTBEAT_SECONDS = 5.0
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    client = Client(args.url, args.token, project=args.project)
    try:
        return int(args.handler(args, client))
    except HubError as error:
        print(f"progress-hub: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="progress-hub", description="Report jobs to progress-hub and watch them.")
    parser.add_argument("--url", help="the hub (default: $PROGRESS_HUB_URL, else http://localhost:8080)")
    parser.add_argument("--token", help="the token (default: $PROGRESS_HUB_TOKEN)")
    parser.add_argument("--project", help="the project, for an admin token")
    commands = parser.add_subparsers(metavar="COMMAND")

    run = commands.add_parser("run", help="run a command and report its output and exit status as a job",
                              description="Runs CMD, passes its output through unchanged and streams it to the "
                                          "job's log; exit 0 completes the job, anything else fails it; Ctrl-C "
                                          "cancels it. Exits with the command's status.")
    run.add_argument("--job", help="the job id (default: made from the name)")
    run.add_argument("--name", help="the job's name (default: the command line)")
    run.add_argument("command", nargs=argparse.REMAINDER, metavar="-- CMD [ARGS...]")
    run.set_defaults(handler=run_command)

    watch = commands.add_parser("watch", help="draw a job's bars until it ends")
    watch.add_argument("job", metavar="JOB")
    watch.set_defaults(handler=watch_job)

    jobs = commands.add_parser("jobs", help="list jobs")
    jobs.add_argument("--status")
    jobs.add_argument("--operation")
    jobs.add_argument("--label", help="key:value")
    jobs.add_argument("--limit", type=int, default=50)
    jobs.add_argument("--json", action="store_true", help="print the snapshots as JSON")
    jobs.set_defaults(handler=list_jobs)

    token = commands.add_parser("token", help="manage tokens (needs an admin token)")
    token_commands = token.add_subparsers(metavar="ACTION")
    create = token_commands.add_parser("create", help="create a token; prints it (shown only once)")
    create.add_argument("--project", dest="token_project", required=True)
    create.add_argument("--scope", action="append", required=True,
                        help="ingest, read, control or admin (repeat, or separate with commas)")
    create.add_argument("--name")
    create.add_argument("--expires-at", help="ISO-8601 time")
    create.set_defaults(handler=create_token)
    return parser


# --- run ------------------------------------------------------------------------------------------------------


def run_command(args: argparse.Namespace, client: Client) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        print("progress-hub run: give the command after --", file=sys.stderr)
        return 2
    name = args.name or " ".join(command)[:500]
    job_id = args.job or client.job(name=args.name or os.path.basename(command[0])).id
    return CommandRun(client, job_id, name, command).run()


class CommandRun:
    """One ``progress-hub run``: the child process, its output's two copies, and the job's ending."""

    def __init__(self, client: Client, job_id: str, name: str, command: List[str]) -> None:
        self.client = client
        self.job_id = job_id
        self.name = name
        self.command = command
        self.lines: "queue.Queue[Optional[bytes]]" = queue.Queue(MAX_QUEUED_LINES)
        self.tail: Deque[Tuple[int, str, bool]] = deque(maxlen=TAIL_LINES)  # (stream, text, is a redraw)
        self._tail_lock = threading.Lock()
        self.reporting = True
        self.interrupted: Optional[str] = None
        self.cancel_requested = False
        self.finished = threading.Event()
        self.process: Optional[subprocess.Popen] = None

    def run(self) -> int:
        self._create_job()
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")  # a Python child's prints reach the hub as they happen
        try:
            self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        except OSError as error:
            print(f"progress-hub run: {error}", file=sys.stderr)
            self._report_end({"type": "job_fail", "error": str(error), "message": f"could not start: {error}"})
            return 127
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        readers = [threading.Thread(target=self._copy, args=(self.process.stdout, _binary(sys.stdout), 1), daemon=True),
                   threading.Thread(target=self._copy, args=(self.process.stderr, _binary(sys.stderr), 2), daemon=True)]
        uploader = threading.Thread(target=self._upload, daemon=True)
        watcher = threading.Thread(target=self._watch_controls, daemon=True)
        for thread in (*readers, uploader, watcher):
            thread.start()
        try:
            status = self.process.wait()
            for reader in readers:
                reader.join()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.lines.put(None)
        uploader.join(self.client.close_timeout)
        self.finished.set()
        self._report_end(self._ending(status))
        return 128 - status if status < 0 else status

    def _create_job(self) -> None:
        body = {"id": self.job_id, "name": self.name, "operation": "run"}
        try:
            snapshot = self.client._call("POST", "/api/jobs", body, retry_for=10.0).json()
        except HubError as error:
            self._warn(f"job {self.job_id} not reported: {error}")
            self.reporting = False
            return
        if snapshot.get("status") in TERMINAL:
            self._warn(f"job {self.job_id} has already ended ({snapshot['status']}); its output is not reported")
            self.reporting = False
        elif sys.stderr.isatty():
            self._warn(f"job {self.job_id} (progress-hub watch {self.job_id})")

    def _copy(self, pipe: Any, terminal: Any, stream: int) -> None:
        """Passes the child's bytes through unchanged and queues its lines (split on \\n and \\r) for the hub."""
        partial = b""
        fd = pipe.fileno()
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            terminal.write(chunk)
            terminal.flush()
            partial += chunk
            *complete, partial = re.split(rb"(?<=\n)|(?<=\r)(?!\n)", partial)  # \r\n is one end of line
            for line in complete:
                self._queue_line(line, stream)
        if partial:
            self._queue_line(partial + b"\n", stream)

    def _queue_line(self, line: bytes, stream: int) -> None:
        text = _ANSI.sub("", line.decode("utf-8", "replace")).strip()
        if text:
            self._keep_in_tail(text, stream, redraw=line.endswith(b"\r"))
        if self.reporting:
            try:
                self.lines.put_nowait(line)
            except queue.Full:
                pass  # the terminal has every line; the hub may miss some while it is away

    def _keep_in_tail(self, text: str, stream: int, redraw: bool) -> None:
        """The last lines as a terminal shows them: a line after a redraw (\\r) of the same stream replaces it."""
        with self._tail_lock:
            for index in range(len(self.tail) - 1, -1, -1):
                if self.tail[index][0] == stream:
                    if self.tail[index][2]:
                        del self.tail[index]
                    break
            self.tail.append((stream, text, redraw))

    def _chunks(self) -> Iterator[bytes]:
        """Lines as they come, a few at a time; ends at the end of the output."""
        while True:
            line = self.lines.get()
            if line is None:
                self.lines.put(None)  # seen again by a reconnecting upload
                return
            chunk = [line]
            while len(chunk) < 256:
                try:
                    more = self.lines.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self.lines.put(None)
                    break
                chunk.append(more)
            yield b"".join(chunk)

    def _upload(self) -> None:
        """Streams the output to the job's log; a broken upload is reopened (lines in flight may be lost)."""
        backoff = Backoff()
        while self.reporting:
            try:
                self.client.upload_log(self.job_id, self._chunks())
                return
            except HubUnavailable as error:
                if self.finished.is_set():
                    return
                self._warn(f"log upload interrupted ({error}); reconnecting")
                threading.Event().wait(backoff.delay())
            except HubError as error:
                if error.status != 409:  # 409: the output itself ended the job (PROGRESS: Completed ...)
                    self._warn(f"log upload refused: {error}")
                self._drain()
                return

    def _drain(self) -> None:
        self.reporting = False
        while self.lines.get() is not None:
            pass

    def _watch_controls(self) -> None:
        """Heartbeats keep the job alive; their answers carry a cancel request, passed on as SIGINT."""
        while self.reporting and not self.finished.wait(RUN_HEARTBEAT_SECONDS):
            try:
                answer = self.client._call("POST", f"/api/jobs/{self.job_id}/events", [{"type": "heartbeat"}],
                                           retry_for=0).json()
            except HubError:
                continue
            if (answer.get("job") or {}).get("requestedState") == "cancelled" and not self.cancel_requested:
                self.cancel_requested = True
                self._warn("cancel requested: interrupting the command")
                if self.process is not None and self.process.poll() is None:
                    self.process.send_signal(signal.SIGINT)

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.interrupted = "interrupted (Ctrl-C)" if signum == signal.SIGINT else "terminated (SIGTERM)"
        process = self.process
        if process is not None and process.poll() is None and not (signum == signal.SIGINT and _terminal_sent_it()):
            process.send_signal(signum)

    def _ending(self, status: int) -> Dict[str, Any]:
        if self.interrupted or self.cancel_requested:
            return {"type": "job_cancel", "message": self.interrupted or "cancelled on request"}
        if status == 0:
            return {"type": "job_complete"}
        described = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
        last = "\n".join(text for _, text, _ in self.tail)[-2000:]
        return {"type": "job_fail", "error": described, "message": f"{described}; last lines:\n{last}" if last
                else described}

    def _report_end(self, event: Dict[str, Any]) -> None:
        if not self.reporting:
            return
        try:
            self.client._transport.call("POST", f"/api/jobs/{self.job_id}/events", [event],
                                        query=self.client._project_query(),
                                        headers={"Idempotency-Key": uuid.uuid4().hex},
                                        retry_for=self.client.close_timeout)
        except HubError as error:
            if error.status != 409:  # 409: already ended (by a PROGRESS: Completed line, or a cancel)
                self._warn(f"could not report the end of job {self.job_id}: {error}")

    @staticmethod
    def _warn(text: str) -> None:
        print(f"progress-hub: {text}", file=sys.stderr, flush=True)


def _binary(stream: TextIO) -> Any:
    stream.flush()
    return getattr(stream, "buffer", stream)


def _terminal_sent_it() -> bool:
    """True when we are the terminal's foreground process group: its Ctrl-C reached the child as well."""
    try:
        fd = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        return False
    try:
        return os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return False
    finally:
        os.close(fd)


# --- watch ------------------------------------------------------------------------------------------------------


def watch_job(args: argparse.Namespace, client: Client) -> int:
    view = BarView(sys.stdout)
    job: Optional[Dict[str, Any]] = None
    for message in client.stream(args.job):
        if message.get("job"):
            job = message["job"]
            view.draw(job)
    if job is None:  # the job had ended before: its snapshot once
        job = client.get(args.job)
        view.draw(job)
    view.close()
    return 0 if job.get("status") == "completed" else 1


class BarView:
    """Draws a job's bar and one per stage: redrawn in place on a terminal, changed lines only elsewhere."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.drawn = 0
        self.previous: Dict[str, str] = {}
        encoding = (getattr(out, "encoding", None) or "").lower()
        self.full, self.empty = ("█", "░") if "utf" in encoding else ("#", "-")

    def draw(self, job: Dict[str, Any]) -> None:
        lines = self.lines(job)
        if self.tty:
            width = max(20, _terminal_width() - 1)
            up = f"\x1b[{self.drawn}F" if self.drawn else ""
            self.out.write(up + "".join(line[:width] + "\x1b[K\n" for line in lines))
            self.drawn = len(lines)
        else:
            for key, line in zip(self._keys(job), lines):
                if self.previous.get(key) != line:
                    self.previous[key] = line
                    self.out.write(line + "\n")
        self.out.flush()

    def close(self) -> None:
        self.out.flush()

    def lines(self, job: Dict[str, Any]) -> List[str]:
        progress = job.get("progress") or {}
        current, total = progress.get("current") or 0, progress.get("total")
        head = [f"{job.get('id')}", f"{job.get('status')}",
                self.bar(progress.get("percent")),
                f"{current}/{total if total is not None else '?'}", _percent(progress.get("percent"))]
        head += _rate_eta(job)
        errors = (job.get("errors") or {}).get("count")
        if errors:
            head.append(f"{errors} errors")
        if progress.get("phase"):
            head.append(str(progress["phase"]))
        out = ["  ".join(head)]
        for stage in job.get("stages") or []:
            failed = f" ({stage.get('failed')} failed)" if stage.get("failed") else ""
            total = stage.get("total")
            parts = [f"  {stage.get('name')}", f"{stage.get('status')}", self.bar(stage.get("percent")),
                     f"{stage.get('completed', 0)}/{total if total is not None else '?'}{failed}",
                     _percent(stage.get("percent"))] + _rate_eta(stage)
            if stage.get("batchInfo"):
                parts.append(str(stage["batchInfo"]))
            out.append("  ".join(parts))
        return out

    def bar(self, percent: Optional[float], width: int = 20) -> str:
        if percent is None:
            return "[" + " " * width + "]"
        filled = int(round(min(100.0, max(0.0, float(percent))) * width / 100))
        return "[" + self.full * filled + self.empty * (width - filled) + "]"

    @staticmethod
    def _keys(job: Dict[str, Any]) -> List[str]:
        return ["job"] + ["stage:" + str(stage.get("name")) for stage in job.get("stages") or []]


def _percent(value: Optional[float]) -> str:
    return "?%" if value is None else f"{float(value):.1f}%"


def _rate_eta(snapshot: Dict[str, Any]) -> List[str]:
    parts = []
    if snapshot.get("ratePerSecond"):
        parts.append(f"{snapshot['ratePerSecond']:.1f}/s")
    if snapshot.get("etaSeconds") is not None:
        parts.append(f"ETA {snapshot['etaSeconds']}s")
    return parts


def _terminal_width() -> int:
    import shutil
    return shutil.get_terminal_size((100, 24)).columns


# --- jobs and tokens ----------------------------------------------------------------------------------------------


def list_jobs(args: argparse.Namespace, client: Client) -> int:
    jobs = client.jobs(status=args.status, operation=args.operation, label=args.label, limit=args.limit)
    if args.json:
        print(json.dumps(jobs, indent=2))
        return 0
    rows = [("ID", "STATUS", "PROGRESS", "UPDATED", "NAME")]
    for job in jobs:
        progress = job.get("progress") or {}
        total = progress.get("total")
        done = f"{progress.get('current', 0)}/{total if total is not None else '?'} {_percent(progress.get('percent'))}"
        rows.append((str(job.get("id")), str(job.get("status")), done, str(job.get("updatedAt") or ""),
                     str(job.get("name") or "")))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    return 0


def create_token(args: argparse.Namespace, client: Client) -> int:
    scopes = [scope.strip() for value in args.scope for scope in value.split(",") if scope.strip()]
    answer = client.create_token(args.token_project, scopes, name=args.name, expires_at=args.expires_at)
    print(answer["token"])
    print(f"progress-hub: token {answer.get('id')} for project {answer.get('project')} "
          f"({', '.join(answer.get('scopes') or scopes)}); shown only this once", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

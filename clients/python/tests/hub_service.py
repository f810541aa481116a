"""The real service for the client's tests: the packaged jar against a real PostgreSQL, both as child processes.

PostgreSQL is started the way ``bench/run.sh`` starts it (the project's own embedded binaries through
``bench/EmbeddedPostgres.java``, no Docker); the service is ``target/quarkus-app/quarkus-run.jar`` in the prod
profile on a free port, with an admin token of 48 hex characters. The service can be stopped and started
again on the same port and database, which is how the tests show what the client does while it is away.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, List, Optional

REPO = Path(__file__).resolve().parents[3]
TARGET = REPO / "target"
JAR = TARGET / "quarkus-app" / "quarkus-run.jar"
CLASSPATH_FILE = TARGET / "client-tests-classpath.txt"
WORK = TARGET / "client-tests"


def wait_for(what: str, condition: Callable[[], object], timeout: float = 60.0, every: float = 0.2) -> object:
    """Polls ``condition`` until it returns something truthy (returned); fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def java() -> str:
    """A java of version 21 or later: $JAVA_HOME's, else Temurin 25's."""
    for home in (os.environ.get("JAVA_HOME"), "/usr/lib/jvm/temurin-25-jdk-amd64"):
        if home and (Path(home) / "bin" / "java").exists() and _major(Path(home) / "bin" / "java") >= 21:
            return str(Path(home) / "bin" / "java")
    raise RuntimeError("no JDK >= 21: set JAVA_HOME")


def _major(java_binary: Path) -> int:
    out = subprocess.run([str(java_binary), "-XshowSettings:properties", "-version"], capture_output=True,
                         text=True).stderr
    for line in out.splitlines():
        if "java.specification.version" in line:
            return int(line.split("=")[1].strip().split(".")[0])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def compile_classpath() -> str:
    """The project's compile classpath (zonky embedded PostgreSQL, the JDBC driver), asked of Maven once."""
    if not CLASSPATH_FILE.exists():
        subprocess.run([str(REPO / "mvnw"), "-B", "-q", "dependency:build-classpath", "-DincludeScope=compile",
                        f"-Dmdep.outputFile={CLASSPATH_FILE}"], cwd=REPO, check=True,
                       env={**os.environ, "JAVA_HOME": str(Path(java()).parents[1])})
    return CLASSPATH_FILE.read_text().strip()


class HubService:
    """PostgreSQL and one instance of the service; :meth:`stop` / :meth:`start` keep the port and database."""

    def __init__(self) -> None:
        if not JAR.exists():
            raise RuntimeError(f"{JAR} is missing: build it with ./mvnw -B package -DskipTests")
        self.admin_token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.jdbc_url: Optional[str] = None
        self._postgres: Optional[subprocess.Popen] = None
        self._service: Optional[subprocess.Popen] = None
        self._starts = 0
        self.work = WORK / str(os.getpid())  # several runs at once (a developer's and a test's) never share

    def start_database(self) -> None:
        home = self.work / "postgres"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        log = self.work / "postgres.log"
        self._postgres = subprocess.Popen(
            [java(), "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
             "-cp", f"{TARGET / 'classes'}:{compile_classpath()}", str(REPO / "bench" / "EmbeddedPostgres.java"),
             str(home)],
            stdout=log.open("w"), stderr=subprocess.STDOUT)

        def jdbc_url() -> Optional[str]:
            if self._postgres.poll() is not None:
                raise AssertionError(f"PostgreSQL exited; see {log}")
            for line in log.read_text().splitlines():
                if line.startswith("jdbc-url="):
                    return line.split("=", 1)[1]
            return None

        self.jdbc_url = str(wait_for("PostgreSQL's JDBC URL", jdbc_url, timeout=180))

    def start(self) -> None:
        """Starts the service and waits until it is ready."""
        self._starts += 1
        log = self.work / f"service-{self._starts}.log"
        command: List[str] = [
            java(), "-Xmx384m",
            f"-Dquarkus.http.port={self.port}",
            f"-Dquarkus.datasource.jdbc.url={self.jdbc_url}",
            "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password=postgres",
            # per token; the rate-limit test needs a low one, every other test stays far below it
            "-Dprogress-hub.limits.requests-per-second=10", "-Dprogress-hub.limits.burst=20",
            "-jar", str(JAR)]
        env = {**os.environ, "PROGRESS_HUB_ADMIN_TOKEN": self.admin_token}
        self._service = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)

        def ready() -> bool:
            if self._service.poll() is not None:
                raise AssertionError(f"the service exited; see {log}")
            try:
                with urllib.request.urlopen(self.url + "/q/health/ready", timeout=5) as answer:
                    return answer.status == 200
            except (urllib.error.URLError, OSError):
                return False

        wait_for("the service to be ready", ready, timeout=120, every=0.2)

    def kill(self) -> None:
        """SIGKILL: the service vanishes mid-request, answers in flight are lost."""
        if self._service is not None and self._service.poll() is None:
            self._service.send_signal(signal.SIGKILL)
            self._service.wait(30)

    def stop(self) -> None:
        """Everything down: the service (SIGTERM), then PostgreSQL."""
        for process in (self._service, self._postgres):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(30)
        shutil.rmtree(self.work / "postgres", ignore_errors=True)  # the logs stay, the database goes

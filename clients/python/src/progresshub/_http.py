"""The one HTTP layer of the client: standard library only, a kept-alive connection per thread."""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import random
import ssl
import threading
import time
import urllib.parse
from typing import Any, Callable, Dict, Mapping, Optional

from .errors import HubError, HubUnavailable

log = logging.getLogger("progresshub")

#: Answers worth sending again: the hub is busy, restarting or has lost its database for a moment.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class Response:
    """A complete answer: status, headers (names lower-cased) and body bytes."""

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status = status
        self.headers = dict(headers)
        self.body = body

    def json(self) -> Any:
        """The body as JSON (``None`` when empty)."""
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def retry_after(self) -> Optional[float]:
        """Seconds from a ``Retry-After`` header (a number or an HTTP date), ``None`` without one."""
        value = self.headers.get("retry-after")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value)
            return max(0.0, parsed.timestamp() - time.time()) if parsed else None

    def problem(self) -> HubError:
        """The error this answer stands for, with the problem document's detail when there is one."""
        problem: Dict[str, Any] = {}
        try:
            parsed = self.json()
            if isinstance(parsed, dict):
                problem = parsed
        except ValueError:
            pass
        detail = problem.get("detail") or problem.get("title") or self.body[:200].decode("utf-8", "replace")
        errors = problem.get("errors") or []
        if errors and not any(str(e.get("message")) in str(detail) for e in errors):
            detail = f"{detail} ({'; '.join(str(e.get('field')) + ': ' + str(e.get('message')) for e in errors)})"
        return HubError(self.status, f"HTTP {self.status}: {detail}", problem)


class Transport:
    """Sends requests to one hub with one token; each thread keeps its own connection alive."""

    def __init__(self, url: str, token: Optional[str], timeout: float = 30.0) -> None:
        parsed = urllib.parse.urlsplit(url.rstrip("/"))
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._https = parsed.scheme == "https"
        self._host = parsed.hostname
        self._port = parsed.port
        self._base_path = parsed.path
        self._local = threading.local()

    def new_connection(self, timeout: Optional[float]) -> http.client.HTTPConnection:
        """A fresh connection to the hub (for long uploads and streams, which do not share one)."""
        if self._https:
            return http.client.HTTPSConnection(self._host, self._port, timeout=timeout,
                                               context=ssl.create_default_context())
        return http.client.HTTPConnection(self._host, self._port, timeout=timeout)

    def path(self, path: str, query: Optional[Mapping[str, Any]] = None) -> str:
        """The request target for an API path, with the query parameters that are not ``None``."""
        target = self._base_path + path
        params = {k: v for k, v in (query or {}).items() if v is not None}
        return target + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")

    def headers(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        """Authorization and the client's name, plus ``extra``."""
        headers = {"User-Agent": "progresshub-python", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, body: Any = None, *,
                query: Optional[Mapping[str, Any]] = None,
                headers: Optional[Mapping[str, str]] = None) -> Response:
        """One attempt. Raises :class:`HubUnavailable` when no answer came (connection refused, reset, timeout)."""
        data = None
        extra = dict(headers or {})
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode("utf-8")
            extra.setdefault("Content-Type", "application/json")
        target = self.path(path, query)
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request(method, target, body=data, headers=self.headers(extra))
                answer = connection.getresponse()
                payload = answer.read()
                if answer.getheader("Connection", "").lower() == "close":
                    self._drop_connection()
                return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, payload)
            except (OSError, http.client.HTTPException) as error:
                self._drop_connection()
                # a kept-alive connection the server closed meanwhile fails at once: try one fresh connection
                if attempt == 2 or not isinstance(error, (http.client.RemoteDisconnected, BrokenPipeError,
                                                          ConnectionResetError)):
                    raise HubUnavailable(f"{self.url} unreachable: {error}") from error
        raise AssertionError("unreachable")

    def call(self, method: str, path: str, body: Any = None, *, query: Optional[Mapping[str, Any]] = None,
             headers: Optional[Mapping[str, str]] = None, retry_for: float = 0.0) -> Response:
        """A request whose answer must be a success: retried while the hub is away (for up to ``retry_for``
        seconds), a refusal raised as :class:`HubError`."""
        answer = retry(lambda: self.request(method, path, body, query=query, headers=headers), retry_for)
        if answer.status >= 400:
            raise answer.problem()
        return answer

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self.new_connection(self.timeout)
            self._local.connection = connection
        return connection

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()


class Backoff:
    """Exponential backoff with jitter, from ``first`` up to ``cap`` seconds; ``Retry-After`` wins when given."""

    def __init__(self, first: float = 0.2, cap: float = 10.0) -> None:
        self.first = first
        self.cap = cap
        self._next = first

    def delay(self, retry_after: Optional[float] = None) -> float:
        """The wait before the next attempt."""
        if retry_after is not None:
            return min(retry_after, 60.0)
        delay = self._next * (0.5 + random.random() / 2)
        self._next = min(self.cap, self._next * 2)
        return delay

    def reset(self) -> None:
        self._next = self.first


def retry(attempt: Callable[[], Response], retry_for: float,
          wait: Optional[Callable[[float], bool]] = None) -> Response:
    """Runs ``attempt`` until it answers something not worth retrying or ``retry_for`` seconds are spent;
    then the last retryable answer is returned, or :class:`HubUnavailable` raised when none came.
    ``wait(seconds)`` sleeps between attempts (default ``time.sleep``); when it returns False, retrying stops."""
    deadline = time.monotonic() + retry_for
    backoff = Backoff()
    while True:
        last: Optional[Response] = None
        try:
            last = attempt()
            if last.status not in RETRYABLE_STATUSES:
                return last
            delay = backoff.delay(last.retry_after())
            log.debug("progresshub: hub busy (HTTP %d); again in %.2f s", last.status, delay)
        except HubUnavailable as error:
            failure = error
            delay = backoff.delay()
            log.debug("progresshub: %s; again in %.2f s", error, delay)
        if time.monotonic() + delay > deadline or (wait is not None and not wait(delay)):
            if last is not None:
                return last
            raise failure
        if wait is None:
            time.sleep(delay)

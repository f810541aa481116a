"""Fixtures: one real service for the session, and a fresh project with its own token per test."""

from __future__ import annotations

import os
import signal
import uuid
from typing import Dict, Iterator

import pytest

from hub_service import HubService
from progresshub import Client


@pytest.fixture(scope="session")
def hub() -> Iterator[HubService]:
    # SIGTERM (a CI timeout) ends the run like Ctrl-C does, so the service and PostgreSQL are stopped too
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    service = HubService()
    try:
        service.start_database()
        service.start()
        yield service
    finally:
        service.stop()


@pytest.fixture
def project() -> str:
    return "t-" + uuid.uuid4().hex[:12]


@pytest.fixture
def admin(hub: HubService, project: str) -> Client:
    """An admin client acting on the test's project."""
    return Client(hub.url, hub.admin_token, project=project)


@pytest.fixture
def token(admin: Client, project: str) -> str:
    """A project token with ingest, read and control."""
    return admin.create_token(project, ["ingest", "read", "control"], name="tests")["token"]


@pytest.fixture
def client(hub: HubService, token: str) -> Client:
    """What a crawler has: a project token (short close timeout so a failing test does not hang)."""
    return Client(hub.url, token, close_timeout=60.0)


@pytest.fixture
def hub_env(hub: HubService, token: str) -> Dict[str, str]:
    """The environment a user sets for the command and for Client()."""
    return {**os.environ, "PROGRESS_HUB_URL": hub.url, "PROGRESS_HUB_TOKEN": token}

"""A real ASGI server (uvicorn, in a thread of the test process) and real WebSocket clients for the chats.

The server serves ``config.asgi`` on the test database and the test Redis (its channel layer), so what a test
writes is what the server reads: the tests that use it are transactional. Each database call of the server
closes its connection afterwards, so no connection outlives the test that opened it.
"""

import contextlib
import json
import socket
import threading
import time

import pytest
import uvicorn
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.test import Client
from websockets.sync.client import connect

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from livechat import services

PORTS = range(8765, 8776)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port for the chat server.")


class ChatServer:
    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"

    def connect(self, path: str, user=None, *, origin: str | None = None, session_cookie: str | None = None):
        """Open a WebSocket to the server as the user (signed in through the site's session cookie)."""
        headers = {}
        if user is not None:
            client = Client()
            client.force_login(user)
            session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        if session_cookie:
            headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={session_cookie}"
        return connect(
            f"ws://127.0.0.1:{self.port}{path}",
            additional_headers=headers,
            origin=origin or self.origin,
            open_timeout=10,
        )


@pytest.fixture
def chat_server(transactional_db):
    from config.asgi import application

    database = settings.DATABASES["default"]
    kept_age = database.get("CONN_MAX_AGE")
    database["CONN_MAX_AGE"] = 0
    port = free_port()
    # Static files as the test server of the other browser tests serves them (collected files in production).
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="chat-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("The chat server did not start.")
        time.sleep(0.05)
    try:
        yield ChatServer(port)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        database["CONN_MAX_AGE"] = kept_age


def send(ws, frame: dict) -> None:
    ws.send(json.dumps(frame))


def receive(ws, timeout: float = 5) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def receive_nothing(ws, wait: float = 0.5) -> None:
    """Assert that no frame arrives within ``wait`` seconds."""
    with contextlib.suppress(TimeoutError):
        frame = ws.recv(timeout=wait)
        raise AssertionError(f"unexpected frame: {frame}")


@pytest.fixture
def on_duty_agent(transactional_db):
    agent = StaffFactory(is_staff=True, roles=[Role.AGENT])
    services.duty_set(actor=agent, on_duty=True)
    return agent


@pytest.fixture
def chat_learner(transactional_db):
    return LearnerFactory()

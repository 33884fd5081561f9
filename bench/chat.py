"""Online customer service: concurrent chat connections held open, and the latency of a message under them.

Run: .venv/bin/python bench/chat.py (database: BENCH_CHAT_DATABASE_URL, default lr_bench_chat, migrated if
needed; channel layer: BENCH_CHAT_REDIS_URL, default redis://127.0.0.1:6379/12; BENCH_PORT, default 8766;
BENCH_CHAT_CONNECTIONS learners, default 500; BENCH_CHAT_WORKERS uvicorn processes, default 2;
BENCH_CHAT_SECONDS of sending, default 60; BENCH_CHAT_INTERVAL seconds between one learner's messages on
average, default 10)

It makes the learners, one open chat each and a signed-in session each (as ``Client.force_login`` makes
them), starts uvicorn on ``config.asgi`` with the bench settings, and opens every learner's chat page
WebSocket, plus one staff console that joins every chat (so each message reaches two connections and the
console's activity list). Once all are open it holds them for the sending phase: each learner sends a message
at random moments (exponential gaps of the interval on average); a message's latency is from its send to its
arrival back on the learner's own connection, which is the path every reader's copy takes (checked, stored,
passed through Redis, sent). It prints the connections held, the messages, their p50/p95/p99 latency, and
whether any connection dropped.
"""

import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_CHAT_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_bench_chat")
REDIS_URL = os.environ.get("BENCH_CHAT_REDIS_URL", "redis://127.0.0.1:6379/12")
PORT = int(os.environ.get("BENCH_PORT", "8766"))
CONNECTIONS = int(os.environ.get("BENCH_CHAT_CONNECTIONS", "500"))
WORKERS = int(os.environ.get("BENCH_CHAT_WORKERS", "2"))
SECONDS = float(os.environ.get("BENCH_CHAT_SECONDS", "60"))
INTERVAL = float(os.environ.get("BENCH_CHAT_INTERVAL", "10"))
ORIGIN = f"http://127.0.0.1:{PORT}"

from websockets.exceptions import ConnectionClosed  # noqa: E402


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["TEST_REDIS_URL"] = REDIS_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("ensure_database", verbosity=0)
    call_command("migrate", verbosity=0)


def people_and_chats(count: int) -> tuple[list[tuple[str, str]], str]:
    """(chat reference, session key) per learner, and the agent's session key: made once, reused later."""
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.models import User
    from accounts.roles import Role
    from livechat import services
    from livechat.models import Chat, DutyStatus

    learners_group, _created = Group.objects.get_or_create(name=str(Role.LEARNER))
    agents_group, _created = Group.objects.get_or_create(name=str(Role.AGENT))
    existing = set(User.objects.filter(email__startswith="bench-chat-").values_list("email", flat=True))
    new = [
        User(email=f"bench-chat-{number}@bench.edu.cn", display_name=f"学员{number}")
        for number in range(count)
        if f"bench-chat-{number}@bench.edu.cn" not in existing
    ]
    User.objects.bulk_create(new)
    learners = list(User.objects.filter(email__startswith="bench-chat-").order_by("pk")[:count])
    learners_group.user_set.add(*learners)
    agent, _created = User.objects.get_or_create(
        email="bench-chat-agent@bench.edu.cn", defaults={"display_name": "客服", "is_staff": True}
    )
    agents_group.user_set.add(agent)
    DutyStatus.objects.update_or_create(staff=agent, defaults={"on_duty": True})

    def cookie(user) -> str:
        client = Client()
        client.force_login(user)
        if user.is_staff:  # the console asks for the second factor, as a real agent passes it
            from conftest import staff_session_verify

            staff_session_verify(client, user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    pairs = []
    for learner in learners:
        chat = Chat.objects.filter(learner=learner, state__in=["waiting", "active"]).first()
        chat = chat or services.chat_open(actor=learner)
        pairs.append((chat.reference, cookie(learner)))
    return pairs, cookie(agent)


def start_server() -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "TEST_REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
    }
    return subprocess.Popen(  # noqa: S603 (the arguments are this script's own)
        [
            str(ROOT / ".venv" / "bin" / "uvicorn"),
            "config.asgi:application",
            "--workers",
            str(WORKERS),
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--ws",
            "websockets-sansio",
            "--no-access-log",
            "--log-level",
            "warning",
            "--lifespan",
            "off",
        ],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
    )


async def wait_for_server() -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise SystemExit("uvicorn did not answer within 60 seconds.")


async def open_socket(path: str, session: str):
    from django.conf import settings
    from websockets.asyncio.client import connect

    return await connect(
        f"ws://127.0.0.1:{PORT}{path}",
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
        origin=ORIGIN,
        open_timeout=60,
        ping_interval=None,
        max_queue=None,
    )


async def learner_loop(ws, stop_at: float, latencies: list[float], errors: list[str]) -> int:
    """Send messages at random moments until ``stop_at``; time each one's return. Returns how many sent."""
    sent_at: dict[str, float] = {}

    async def reader():
        with contextlib.suppress(ConnectionClosed):
            await read_all()

    async def read_all():
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") == "error":
                errors.append(frame["code"])
                continue
            started = sent_at.pop(frame.get("body", ""), None)
            if started is not None:
                latencies.append((time.perf_counter() - started) * 1000)

    reading = asyncio.create_task(reader())
    sent = 0
    await asyncio.sleep(random.uniform(0, INTERVAL))
    try:
        while time.monotonic() < stop_at:
            token = f"消息 {id(ws)} {sent}"
            sent_at[token] = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "body": token}, ensure_ascii=False))
            sent += 1
            await asyncio.sleep(random.expovariate(1 / INTERVAL))
        await asyncio.sleep(3)  # the last messages come back
    except ConnectionClosed:
        errors.append("connection dropped")
    reading.cancel()
    return sent


async def run(pairs: list[tuple[str, str]], agent_session: str) -> None:
    await wait_for_server()
    started = time.monotonic()
    sockets = []
    for batch_start in range(0, len(pairs), 50):
        batch = pairs[batch_start : batch_start + 50]
        sockets += await asyncio.gather(
            *(open_socket(f"/ws/chat/{reference}/", session) for reference, session in batch)
        )
    console = await open_socket("/ws/chat-console/", agent_session)
    for reference, _session in pairs:
        await console.send(json.dumps({"type": "join", "chat": reference}))
        while json.loads(await console.recv()).get("type") != "joined":
            pass
    opened = time.monotonic() - started

    async def drain_console():
        with contextlib.suppress(ConnectionClosed):
            async for _raw in console:
                pass

    draining = asyncio.create_task(drain_console())
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + SECONDS
    sent = await asyncio.gather(*(learner_loop(ws, stop_at, latencies, errors) for ws in sockets))
    still_open = sum(1 for ws in sockets if ws.state.name == "OPEN") + (console.state.name == "OPEN")
    draining.cancel()
    for ws in [*sockets, console]:
        await ws.close()

    latencies.sort()
    total = sum(sent)

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] if latencies else float("nan")

    print(f"uvicorn, {WORKERS} worker process(es); {len(sockets)} learner connections + 1 staff console")
    print(f"connections opened and the console joined to every chat in {opened:.1f} s")
    print(f"held for {SECONDS:.0f} s: {still_open} of {len(sockets) + 1} still open at the end")
    from django.conf import settings

    print(f"channel layer {settings.CHANNEL_LAYERS['default']['BACKEND']}")
    print(f"messages sent {total} ({total / SECONDS:.1f}/s), back {len(latencies)}, errors {len(errors)}")
    print(
        f"latency ms: p50 {percentile(0.50):.0f}, p95 {percentile(0.95):.0f}, p99 {percentile(0.99):.0f}, "
        f"max {latencies[-1] if latencies else float('nan'):.0f}, mean "
        f"{statistics.fmean(latencies) if latencies else float('nan'):.0f}"
    )


def main() -> None:
    setup_django()
    prepare_database()
    pairs, agent_session = people_and_chats(CONNECTIONS)
    from django.db import connections

    connections.close_all()
    server = start_server()
    try:
        asyncio.run(run(pairs, agent_session))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

"""Load benchmark: simulated learners practising against a real server on loopback.

    python -m empathic.web.loadbench [--learners 50] [--workers 2] [--database postgresql]

It starts `empathic serve` in a subprocess on a free port (a fresh SQLite file, or
a fresh schema on the PostgreSQL server at TEST_POSTGRES_URL), signs every learner
up, and each learner plays scenarios' empathic reference lines turn by turn. A
practice turn is timed as the page plays it: from sending the line to the whole
reply (POST /runs/{id}/turns, whose answer carries a scripted reply; a reply a
language model phrases is read from its server-sent event stream). Learners
pause between turns (`--think`, seconds, uniform ±50%) as people do while typing;
`--think 0` measures saturation instead. Everyone signs up before the timed
practice starts (password hashing is slow on purpose). Prints percentiles,
throughput and errors, and where the CPU went while the turns were timed, in CPU
milliseconds per turn (from /proc, Linux): the server's processes, PostgreSQL's,
this load generator's, and everything else on the machine. The client runs on the
same cores as the server, so its share is capacity the server did not get; CPU per
turn also stays comparable when something else loads the machine, which throughput
does not (`machine_busy_pct` says how busy the cores were).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from empathic.db import scratch_database
from empathic.web.local import csrf_token_in, serving_subprocess


@dataclass
class Tally:
    turns: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _token(client: httpx.AsyncClient, path: str = "/") -> str:
    return csrf_token_in((await client.get(path)).text)


async def _sign_up(client: httpx.AsyncClient, number: int) -> str | None:
    """A new account for this learner; returns the signed-in CSRF token, None on failure."""
    token = await _token(client, "/signup")
    email = f"bench{number}-{secrets.token_hex(3)}@example.org"
    form = {"name": f"Bench {number}", "email": email, "password": "bench-password-1"}
    signed = await client.post("/signup", data={**form, "csrf_token": token})
    if signed.status_code >= 400:
        return None
    return await _token(client)


CONNECTION_PER = ("run", "learner")
"""How long a learner keeps one connection. Each worker process accepts connections from
the one listening socket, and a connection stays with the worker that accepted it: with
--think 0 and one connection per learner, a dozen connections opened at the same instant
split by chance (measured 4 s / 24 s of CPU between the two workers: 85 turns/s; 12 s / 9 s:
172 turns/s). A browser opens a new one after the server's 5 s keep-alive, e.g. while the
learner reads the pre-brief, and an idle worker is the one that accepts it."""


class Posting:
    """One learner's keep-alive HTTP/1.1 connection for the practice itself (starts and
    turns): a few lines of asyncio instead of httpx, whose machinery cost about 2 ms of
    CPU per request on the cores the server runs on. Answers must carry a Content-Length
    (the app's pages, redirects and JSON do)."""

    def __init__(self, base: str, cookies: httpx.Cookies) -> None:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        self.host, self.port = host, int(port)
        jar = "; ".join(f"{name}={value}" for name, value in cookies.items())
        self.fixed = f"Host: {host}:{port}\r\nCookie: {jar}\r\n"
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(
        self, path: str, form: dict[str, str], headers: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, lower-cased headers, body) of a form POST."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        body = urlencode(form).encode()
        writer.write(
            (
                f"POST {path} HTTP/1.1\r\n{self.fixed}{headers}"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body
        )
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        fields = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
        found = {name.lower(): value for name, value in fields.items()}
        if "content-length" not in found:
            raise RuntimeError(f"POST {path} answered {status} without a Content-Length")
        return status, found, await reader.readexactly(int(found["content-length"]))

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            await self.streams[1].wait_closed()
            self.streams = None


async def _practise(
    client: httpx.AsyncClient,
    token: str,
    number: int,
    runs: int,
    think: float,
    lines_by: dict[str, list[str]],
    tally: Tally,
    reconnect: bool,
) -> None:
    rng = random.Random(number)
    headers = f"X-CSRF-Token: {token}\r\nAccept: application/json\r\n"
    scenarios = list(lines_by)
    posting = Posting(str(client.base_url).rstrip("/"), client.cookies)
    try:
        for k in range(runs):
            scenario = scenarios[(number + k) % len(scenarios)]
            form = {"difficulty": "medium", "intention": "listen", "csrf_token": token}
            status, found, _ = await posting.post(f"/practice/{scenario}/start", form)
            match = re.search(r"/runs/([0-9a-f]+)", found.get("location", ""))
            if status != 303 or not match:
                tally.errors.append(f"start {status}")
                return
            await _play(
                client, posting, match.group(1), lines_by[scenario], think, rng, headers, tally
            )
            if reconnect:  # a run is a page visit of its own, see CONNECTION_PER
                await posting.close()
    finally:
        await posting.close()


async def _play(
    client: httpx.AsyncClient,
    posting: Posting,
    run: str,
    lines: list[str],
    think: float,
    rng: random.Random,
    headers: str,
    tally: Tally,
) -> None:
    """Play one run's lines, timing each turn, until the run ends or a turn fails."""
    for line in lines:
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        begin = time.perf_counter()
        status, _, answer = await posting.post(f"/runs/{run}/turns", {"text": line}, headers)
        if status != 200:
            tally.errors.append(f"turn {status}: {answer[:120].decode(errors='replace')}")
            return
        body = json.loads(answer)
        if not isinstance(body.get("reply"), str):  # a phrased reply: read its stream
            async with client.stream("GET", body["stream"]) as stream:
                text = "".join([chunk async for chunk in stream.aiter_text()])
            if "event: done" not in text:
                tally.errors.append("stream ended without done")
        tally.turns.append(time.perf_counter() - begin)
        if body.get("finished"):
            return


@dataclass
class Cpu:
    """CPU seconds while the practice was timed, read from /proc (Linux; zeros elsewhere):
    the machine's busy time, this client's, the server's (its main process and workers)
    and the PostgreSQL server's (every process named `postgres`). Processes are counted by
    id, so one that ends while the turns are timed (a database backend) is left out."""

    busy: float = 0.0
    client: float = 0.0
    server: dict[int, float] = field(default_factory=dict)
    database: dict[int, float] = field(default_factory=dict)

    @classmethod
    def now(cls, server_pid: int) -> Cpu:
        cpu = cls(_busy_seconds(), time.process_time())
        for pid, parent, name, seconds in _processes():
            if pid == server_pid or parent == server_pid:
                cpu.server[pid] = seconds
            elif name == "postgres":
                cpu.database[pid] = seconds
        return cpu

    def since(self, start: Cpu) -> dict[str, float]:
        def spent(now: dict[int, float], before: dict[int, float]) -> float:
            return sum(s - before.get(pid, 0.0) for pid, s in now.items())

        server = spent(self.server, start.server)
        database = spent(self.database, start.database)
        client = self.client - start.client
        busy = self.busy - start.busy
        return {
            "server": server,
            "database": database,
            "client": client,
            "other": busy - server - database - client,
            "busy": busy,
        }


def _ticks() -> float:
    return float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0


def _busy_seconds() -> float:
    """All cores' busy time since boot (user, nice, system, irq, softirq, steal)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / _ticks()


def _processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, name, user + system CPU seconds) of every live process."""
    try:
        names = [n for n in os.listdir("/proc") if n.isdigit()]
    except OSError:
        return []
    found = []
    for name in names:
        try:
            with open(f"/proc/{name}/stat") as stat:
                head, tail = stat.read().rsplit(")", 1)
            fields = tail.split()
            seconds = (int(fields[11]) + int(fields[12])) / _ticks()
            found.append((int(name), int(fields[1]), head.split("(", 1)[1], seconds))
        except (OSError, ValueError, IndexError):
            continue
    return found


async def _drive(
    base: str, learners: int, runs: int, think: float, server_pid: int, connection: str
) -> tuple[Tally, float, dict[str, float]]:
    """Sign everyone up first (argon2 is slow by design), then time the practice."""
    from empathic.roleplay.loading import load_library

    lines_by = {s.id: list(s.playthroughs.empathic.lines) for s in load_library()}
    tally = Tally()
    limits = httpx.Limits(max_connections=4)
    clients = [httpx.AsyncClient(base_url=base, timeout=30, limits=limits) for _ in range(learners)]
    try:
        tokens = await asyncio.gather(*(_sign_up(c, n) for n, c in enumerate(clients)))
        tally.errors += ["signup"] * sum(1 for t in tokens if t is None)
        cpu = Cpu.now(server_pid)
        begin = time.perf_counter()
        await asyncio.gather(
            *(
                _practise(c, t, n, runs, think, lines_by, tally, connection == "run")
                for n, (c, t) in enumerate(zip(clients, tokens, strict=True))
                if t is not None
            )
        )
        elapsed = time.perf_counter() - begin
        return tally, elapsed, Cpu.now(server_pid).since(cpu)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop when it is installed (the server runs on it too): the load
    generator shares the server's cores, so its own CPU per turn counts."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(
    kind: str, learners: int, runs: int, think: float, workers: int, connection: str = "run"
) -> dict[str, object]:
    """Start a server, drive it, stop it; return the figures. `connection` is "run" (a new
    connection for each run) or "learner" (one for all of a learner's runs)."""
    with tempfile.TemporaryDirectory() as folder, scratch_database(kind, "empathic_bench") as url:
        env = {"EMPATHIC_DATA_DIR": folder, "EMPATHIC_DATABASE_URL": url}
        serving = serving_subprocess(env, "--workers", str(workers))
        with serving as (base, server), asyncio.Runner(loop_factory=_loop_factory()) as runner:
            tally, elapsed, cpu = runner.run(
                _drive(base, learners, runs, think, server.pid, connection)
            )
    times = sorted(tally.turns)
    if not times:
        raise RuntimeError(f"no turn completed; errors: {tally.errors[:5]}")

    def pct(p: float) -> float:
        return 1000 * times[min(len(times) - 1, int(p * len(times)))]

    def per_turn(seconds: float) -> float:
        return round(1000 * seconds / len(times), 2)

    return {
        "turns": len(times),
        "errors": len(tally.errors),
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(1000 * times[-1], 1),
        "mean_ms": round(1000 * statistics.fmean(times), 1),
        "turns_per_s": round(len(times) / elapsed, 1),
        "cpu_ms_per_turn": {
            part: per_turn(cpu[part]) for part in ("server", "database", "client", "other")
        },
        "machine_busy_pct": round(100 * cpu["busy"] / (elapsed * (os.cpu_count() or 1)), 1),
        "error_kinds": dict(Counter(tally.errors).most_common(3)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--runs", type=int, default=2, help="Runs per learner.")
    parser.add_argument("--think", type=float, default=2.0, help="Seconds between turns.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument(
        "--connection",
        choices=CONNECTION_PER,
        default="run",
        help="A new connection for each run (as a browser after the pre-brief, past the "
        "server's 5 s keep-alive) or one per learner for all their runs.",
    )
    args = parser.parse_args(argv)
    kinds = ("postgresql", "sqlite") if args.database == "both" else (args.database,)
    for kind in kinds:
        figures = run(kind, args.learners, args.runs, args.think, args.workers, args.connection)
        summary = ", ".join(f"{k} {v}" for k, v in figures.items())
        print(
            f"{kind}: {args.learners} learners, {args.workers} workers, think {args.think}s, "
            f"a connection per {args.connection}: "
            f"{summary}",
            flush=True,
        )


if __name__ == "__main__":
    main()

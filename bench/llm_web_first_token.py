"""Time to the first streamed character of a language-model reply, through the web app.

    .venv/bin/python bench/llm_web_first_token.py [--runs 20] [--delay 0.05]

Starts the tests' OpenAI-compatible stub server (tests/test_llm.py) with a fixed
first-token latency, and the web app (uvicorn, SQLite, one scenario voiced by the
model) on 127.0.0.1. For each run it measures (a) the endpoint's own latency: the
first streamed character of a direct request, and (b) through the app: from
sending the learner's turn (POST) to the first `token` event of the reply stream,
and from opening the stream (GET) to that event. Prints medians and the overhead.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from empathic.config import Settings  # noqa: E402
from empathic.db import session_factory  # noqa: E402
from empathic.practice.models import ScenarioVoice  # noqa: E402
from empathic.roleplay.loading import find_scenario  # noqa: E402
from empathic.web.app import create_app  # noqa: E402
from empathic.web.local import csrf_token_in, free_port, wait_until_up  # noqa: E402
from test_llm import Reply, StubServer  # noqa: E402

SCENARIO = "mentor-milestones"


def _token(client: httpx.Client, path: str = "/") -> str:
    return csrf_token_in(client.get(path).text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.05, help="Stub first-token latency.")
    args = parser.parse_args()
    stub = StubServer().start()
    stub.default = Reply(content="It has been a lot.", chunks=["It has ", "been ", "a lot."])
    stub.default.delay = args.delay
    folder = tempfile.mkdtemp()
    settings = Settings(
        data_dir=folder, database_url=f"sqlite:///{folder}/bench.db", llm_base_url=stub.url
    )
    app = create_app(settings)
    with session_factory(app.state.engine)() as db:
        db.add(ScenarioVoice(scenario_id=SCENARIO, voice="llm"))
        db.commit()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base)
    body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    raw, via_post, via_get = [], [], []
    lines = find_scenario(SCENARIO).playthroughs.empathic.lines
    with httpx.Client(base_url=base, timeout=30) as client, httpx.Client(timeout=30) as direct:
        signup = {"name": "B", "email": "b@example.org", "password": "bench-password"}
        client.post("/signup", data={**signup, "csrf_token": _token(client, "/signup")})
        headers = {"X-CSRF-Token": _token(client), "Accept": "application/json"}
        run_id = ""
        for n in range(args.runs):
            start = time.perf_counter()
            with direct.stream("POST", f"{stub.url}/chat/completions", json=body) as response:
                next(response.iter_bytes())
                raw.append(time.perf_counter() - start)
            if n % 4 == 0:
                started = client.post(
                    f"/practice/{SCENARIO}/start", data={"csrf_token": headers["X-CSRF-Token"]}
                )
                run_id = started.headers["location"].rsplit("/", 1)[-1]
            posted = time.perf_counter()
            sent = client.post(
                f"/runs/{run_id}/turns", data={"text": lines[n % 4]}, headers=headers
            ).json()
            opened = time.perf_counter()
            with client.stream("GET", sent["stream"]) as stream:
                seen = False
                for chunk in stream.iter_text():
                    if not seen and "event: token" in chunk:
                        now = time.perf_counter()
                        via_post.append(now - posted)
                        via_get.append(now - opened)
                        seen = True
    server.should_exit = True
    stub.stop()

    def ms(values: list[float]) -> float:
        return round(1000 * statistics.median(values), 2)

    print(
        f"{args.runs} runs, stub first-token latency {1000 * args.delay:.0f} ms: "
        f"endpoint {ms(raw)} ms; via the app from opening the stream {ms(via_get)} ms "
        f"(+{ms(via_get) - ms(raw):.2f}); from sending the turn {ms(via_post)} ms "
        f"(+{ms(via_post) - ms(raw):.2f})"
    )


if __name__ == "__main__":
    main()

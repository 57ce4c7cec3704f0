"""Chairman /tongquan and /baocao latency, end to end through the fake Bot API.

The real Application (``BotHarness``: the one ``cchc-bot run`` builds) on a
province's data (:mod:`bench.province`, 1x and 10x).  Sample k is asked by
the chairman of commune k, a fresh private chat, so the fake server's
Telegram limit (1 message/s per chat, burst 3) does not pace one sample
with the previous one.  A sample is the time from the user's message
entering the fake server (``user_sends_text``) to the bot's complete answer
there: the overview message for /tongquan; for /baocao the progress message
edited to "✅" after both files (.docx and .xlsx) were uploaded.  This
includes long polling, PTB's dispatch, the database, rendering and the HTTP
calls back.  Prints median and p95.  Asserts nothing.

Run: python -m bench.bench_latency [--scale 1 --scale 10] [--runs 20] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time
from typing import Any

from bench.province import CHAIRMAN_TG, fresh_database, populate
from sandbox.harness import BotHarness

os.environ.setdefault("PTB_TIMEDELTA", "1")


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def _ask(h: BotHarness, commune: int, text: str, done: Any) -> float:
    user = h.api.add_user("Chủ tịch", user_id=CHAIRMAN_TG + commune)
    started = time.perf_counter()
    h.api.user_sends_text(user, None, text)
    await h.api.wait_for_bot_message(user.id, done, timeout=120)
    elapsed = time.perf_counter() - started
    await h.idle(timeout=30)
    return elapsed


async def measure(scale: float, runs: int, backend: str = "sqlite") -> dict[str, Any]:
    async with fresh_database(backend) as url:
        async with BotHarness(url) as h:
            province = await populate(h.database, scale)
            k = 0
            result: dict[str, Any] = {"scale": scale, "backend": backend, "runs": runs}
            commands = {
                "tongquan": lambda m: bool(m.text) and "⏳" not in (m.text or ""),
                "baocao": lambda m: (m.text or "").startswith("✅"),
            }
            for name, done in commands.items():
                await _ask(h, k, f"/{name}", done)  # warm-up: first-use imports and caches
                samples = []
                for _ in range(runs):
                    k += 1
                    samples.append(await _ask(h, k % province.organizations, f"/{name}", done))
                result[f"{name}_median_ms"] = 1000 * statistics.median(samples)
                result[f"{name}_p95_ms"] = 1000 * _p95(samples)
    return result


def run(scales: list[float], runs: int = 20, backend: str = "sqlite") -> list[dict[str, Any]]:
    logging.getLogger("telegram").setLevel(logging.WARNING)
    return [asyncio.run(measure(s, runs, backend)) for s in scales]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    rows = run(args.scale or [1.0], args.runs, "postgres" if args.postgres else "sqlite")
    for key in rows[0]:
        cells = [f"{r[key]:.1f}" if isinstance(r[key], float) else str(r[key]) for r in rows]
        print(f"{key:<20}" + "".join(f"{c:>12}" for c in cells))


if __name__ == "__main__":
    main()

"""The Mini App's ``GET /api/overview`` at province scale: median and p95 over HTTP.

A province (:mod:`bench.province`: 150 communes, 10,000 tasks, 100,000
progress rows at 1x) behind the real dashboard server (``webapp.server``,
as the bot process runs it), asked over HTTP with signed init data by the
chairman of commune k for sample k, so every sample reads another commune.
A sample is the whole request: init-data check, person lookup, the
overview from ``storage.reports`` and both SVG charts, JSON out. Target
(issue 18): p95 ≤ 50 ms at 1x. Wall time and the process's CPU time per
request (client and server share the process) are both printed, with the
load average: on a machine shared with other work, wall time is mostly
waiting for a core. Asserts nothing.

Run: python -m bench.bench_webapp [--scale 1] [--runs 150] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from datetime import datetime
from typing import Any

import aiohttp

from bench.province import CHAIRMAN_TG, analyze, fresh_database, populate
from plans.clock import ManualClock
from storage.db import Database
from webapp.initdata import sign
from webapp.server import Dashboard

TOKEN = "123456:BENCHdashboardTokenForTheOverview_abc"
NOW = datetime.fromisoformat("2024-06-03T07:30:00+07:00")
WARM_UP = 5


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def measure(scale: float, runs: int, backend: str = "sqlite") -> dict[str, Any]:
    async with fresh_database(backend) as url:
        db = Database(url)
        try:
            province = await populate(db, scale)
            await analyze(db)
            board = Dashboard(db=db, clock=ManualClock(NOW), token=TOKEN)
            await board.start("127.0.0.1", 0)
            base = f"http://127.0.0.1:{board.port}/api/overview"
            samples: list[float] = []
            cpu_ms: list[float] = []
            sizes: list[int] = []
            try:
                async with aiohttp.ClientSession() as http:
                    for k in range(WARM_UP + runs):
                        commune = k % province.organizations
                        user = {"id": CHAIRMAN_TG + commune, "first_name": "Chủ tịch"}
                        data = sign(TOKEN, user, auth_date=int(time.time()))
                        headers = {"Authorization": "tma " + data}
                        started = time.perf_counter()
                        cpu = time.process_time()
                        async with http.get(base, headers=headers) as response:
                            body = await response.read()
                            if response.status != 200:
                                raise RuntimeError(f"{response.status}: {body[:200]!r}")
                        elapsed = time.perf_counter() - started
                        if k >= WARM_UP:
                            samples.append(elapsed * 1000)
                            cpu_ms.append((time.process_time() - cpu) * 1000)
                            sizes.append(len(body))
            finally:
                await board.stop()
        finally:
            await db.dispose()
    return {
        "organizations": province.organizations,
        "tasks": province.tasks,
        "progress_rows": province.progress_rows,
        "samples": len(samples),
        "overview_median_ms": statistics.median(samples),
        "overview_p95_ms": _p95(samples),
        "overview_max_ms": max(samples),
        "overview_cpu_median_ms": statistics.median(cpu_ms),
        "overview_cpu_p95_ms": _p95(cpu_ms),
        "load_average": os.getloadavg()[0],
        "response_kib": statistics.median(sizes) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=150)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    backend = "postgres" if args.postgres else "sqlite"
    r = asyncio.run(measure(args.scale, args.runs, backend))
    print(
        f"/api/overview x{args.scale:g} {backend}: {r['organizations']} communes, "
        f"{r['tasks']:,} tasks, {r['samples']} samples: median {r['overview_median_ms']:.1f} ms, "
        f"p95 {r['overview_p95_ms']:.1f} ms, max {r['overview_max_ms']:.1f} ms; CPU per request "
        f"median {r['overview_cpu_median_ms']:.1f} ms, p95 {r['overview_cpu_p95_ms']:.1f} ms; "
        f"{r['response_kib']:.1f} KiB; load average {r['load_average']:.1f}"
    )


if __name__ == "__main__":
    main()

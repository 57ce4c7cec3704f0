"""Startup time: ``python -m bot run`` from process start to its first getUpdates.

A fake Bot API runs in this process; the bot is a real child process
(``sys.executable -m bot run``, long polling) pointed at it through the
environment, on an empty SQLite file (so the run includes ``alembic
upgrade`` of a new database) and on an already migrated one.  "Ready" is the
first ``getUpdates`` the fake server receives: from then on the bot answers
users.  Then SIGTERM, and the time to a clean exit.  Besides the wall time,
the bot's own CPU time up to that ``getUpdates`` (user + system, from
/proc): on this shared 2-core machine wall time varies with the load, the
process's CPU much less.  Asserts nothing.

Run: python -m bench.bench_startup [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bot_process import cpu_seconds, start_bot
from bench.figures import print_figures
from sandbox.devserver import FakeBotApi


async def _once(api: FakeBotApi, database_url: str) -> tuple[float, float, float]:
    before = len(api.state.calls)
    started = time.perf_counter()
    proc = await start_bot(api, database_url, stderr=asyncio.subprocess.PIPE)
    try:

        def polled() -> bool:
            return any(m.lower() == "getupdates" for m, _ in api.state.calls[before:])

        waiting = asyncio.ensure_future(api.wait_until(polled, 60))
        exited = asyncio.ensure_future(proc.wait())
        await asyncio.wait({waiting, exited}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():
            waiting.cancel()
            err = await proc.stderr.read() if proc.stderr else b""
            raise RuntimeError(f"bot exited with {proc.returncode}: {err.decode()[-2000:]}")
        waiting.result()
        ready = time.perf_counter() - started
        cpu = cpu_seconds(proc.pid)
        stop = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        await exited
        return ready, cpu, time.perf_counter() - stop
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _run(runs: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="cchc-startup-"))
    try:
        async with FakeBotApi() as api:
            fresh = []
            for k in range(runs):
                url = f"sqlite+aiosqlite:///{folder / f'new-{k}.sqlite3'}"
                fresh.append(await _once(api, url))
            warm = [await _once(api, f"sqlite+aiosqlite:///{folder / 'new-0.sqlite3'}")]
            warm += [
                await _once(api, f"sqlite+aiosqlite:///{folder / 'new-0.sqlite3'}")
                for _ in range(runs - 1)
            ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "runs": runs,
        "startup_new_db_s": statistics.median(r for r, _, _ in fresh),
        "startup_migrated_db_s": statistics.median(r for r, _, _ in warm),
        "startup_new_db_cpu_s": statistics.median(c for _, c, _ in fresh),
        "startup_migrated_db_cpu_s": statistics.median(c for _, c, _ in warm),
        "shutdown_s": statistics.median(s for _, _, s in fresh + warm),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def run(runs: int = 3) -> dict[str, Any]:
    return asyncio.run(_run(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    result = run(parser.parse_args().runs)
    print_figures(result)


if __name__ == "__main__":
    main()

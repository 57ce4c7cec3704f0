"""One dispatcher replica as its own process: ``python -m tests.fault_dispatch_worker``.

The PostgreSQL concurrency test starts two (or more) of these against one
outbox and one fake Bot API. Each is what a bot replica's tick does --
:class:`scheduler.dispatcher.Dispatcher` on its own engine and event loop --
without the pacing under Telegram's limit (the fake server has none in
that test), so the figure measured is the outbox's, not the pacing's. It
runs passes until nothing is pending or sending, then prints one JSON line.

With ``--ready-dir`` the replicas start together: each, connected, leaves a
file there and waits for ``--replicas`` files. Without it, one replica could
empty a small outbox while the other is still importing, and the test would
prove nothing about two of them at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from telegram import Bot
from telegram.request import HTTPXRequest

from plans.clock import SystemClock
from scheduler.dispatcher import Dispatcher
from scheduler.outbox import state_counts
from storage.db import Database


async def work(args: argparse.Namespace) -> dict[str, object]:
    db = Database(args.database_url)
    bot = Bot(
        args.token,
        base_url=args.base_url,
        request=HTTPXRequest(connection_pool_size=args.concurrency + 4),
    )
    dispatcher = Dispatcher(
        db,
        SystemClock(),
        worker_id=args.worker_id,
        concurrency=args.concurrency,
        batch_size=args.batch_size,
        per_chat_interval=0.0,
        max_per_second=None,
    )
    sent = claimed = passes = 0
    try:
        await bot.initialize()
        await state_counts(db)  # connected
        if args.ready_dir is not None:
            await asyncio.to_thread(
                _start_together, Path(args.ready_dir), args.worker_id, args.replicas
            )
        started = time.monotonic()
        while True:
            passes += 1
            report = await dispatcher.run(bot)
            sent += report.sent
            claimed += report.claimed
            if report.claimed == 0:
                counts = await state_counts(db)
                if not counts.get("pending") and not counts.get("sending"):
                    break
                await asyncio.sleep(0.05)  # the other replica holds the rest
    finally:
        await bot.shutdown()
        await db.dispose()
    return {
        "worker": args.worker_id,
        "sent": sent,
        "claimed": claimed,
        "passes": passes,
        "seconds": round(time.monotonic() - started, 3),
    }


def _start_together(folder: Path, worker_id: str, replicas: int) -> None:
    (folder / worker_id).touch()
    deadline = time.monotonic() + 120
    while len(list(folder.iterdir())) < replicas:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{replicas} replicas never got ready in {folder}")
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--ready-dir", help="start when --replicas workers are ready here")
    parser.add_argument("--replicas", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(work(args))), flush=True)


if __name__ == "__main__":
    main()

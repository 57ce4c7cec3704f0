"""kill -9 of the bot process in the middle of a fan-out, then a restart: nothing lost.

The bot is a real ``python -m bot run`` process; the fake Bot API runs in the
test process and counts what it delivered. After the kill, the rows the dead
process had claimed stay ``sending`` until the reaper's timeout (5 minutes);
the test ages their claim stamps instead of sleeping, and the restarted
bot's own reaper does the recovery.

The promise: every recipient gets the reminder; the only repeats are
messages the dead process had sent but not yet recorded -- at most its
in-flight sends (the dispatcher's concurrency). Exactly once is impossible:
``sendMessage`` takes no idempotency key, so a send whose answer is lost to a
kill cannot be told from one never made.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sandbox.devserver import FakeBotApi, Limits
from sandbox.harness import sqlite_url
from scheduler.dispatcher import Dispatcher
from scheduler.outbox import state_counts
from storage.db import Database
from storage.migrate import upgrade_async
from tests.fault_support import (
    Deliveries,
    add_chats,
    bot_process,
    outbox_by_state,
    pretend_reaper_timeout_passed,
    seed_fan_out,
    wait_for,
    wait_for_books,
)

pytestmark = pytest.mark.fault

IN_FLIGHT_MAX = Dispatcher.__init__.__kwdefaults__["concurrency"]  # type: ignore[index]


async def _kill_and_restart(tmp_path: Path, count: int, limits: Limits) -> None:
    url = sqlite_url(tmp_path)
    await upgrade_async(url)
    db = Database(url)
    try:
        chats = await seed_fan_out(db, count)
        async with FakeBotApi(limits=limits) as api:
            add_chats(api, chats)
            got = Deliveries().attach(api)
            started = time.monotonic()
            async with bot_process(api, url, tmp_path / "bot-1.log") as first:
                await wait_for(api, lambda: got.total >= count // 3, 120, first)
                await first.kill9()
            await api.wait_idle(quiet=0.2, timeout=10)  # requests of the dead process settle
            at_kill = got.total
            books = await outbox_by_state(db)
            # sent by the dead process but not recorded as sent: these will repeat
            unrecorded = {c for c in books.get("sending", set()) if got.per_chat[c]}
            print(
                f"\nkill -9 after {at_kill}/{count} delivered "
                f"({time.monotonic() - started:.1f} s); outbox "
                f"{ {k: len(v) for k, v in books.items()} }; "
                f"delivered but unrecorded: {len(unrecorded)}"
            )
            assert 0 < at_kill < count, "the fan-out was not interrupted"
            assert books.get("sending"), "the dead process had nothing in flight"
            await pretend_reaper_timeout_passed(db)

            restarted = time.monotonic()
            async with bot_process(api, url, tmp_path / "bot-2.log") as second:
                await wait_for(api, lambda: not got.missing(chats), 300, second)
                # a little longer: the repeats of the reaped rows are part of the same pass
                await wait_for(api, lambda: got.total >= count + len(unrecorded), 30, second)
                await wait_for_books(db, api, {"sent": count}, 60, second)
            elapsed = time.monotonic() - restarted
        duplicates = got.duplicates()
        print(
            f"after restart: {got.total} deliveries to {count} recipients in "
            f"{elapsed:.1f} s, duplicates {duplicates} (bound: in flight at the kill "
            f"<= {IN_FLIGHT_MAX}), missing {len(got.missing(chats))}"
        )
        assert got.missing(chats) == []
        assert await state_counts(db) == {"sent": count}
        assert duplicates == len(unrecorded)
        assert duplicates <= IN_FLIGHT_MAX
        assert all(n <= 2 for n in got.per_chat.values())
    finally:
        await db.dispose()


async def test_kill_9_during_fan_out_fast(tmp_path: Path) -> None:
    """A few hundred reminders, no flood limits on the server (the bot still paces ~29/s)."""
    await _kill_and_restart(tmp_path, 200, Limits.off())


@pytest.mark.slow
async def test_kill_9_during_fan_out_2000_with_telegram_limits(tmp_path: Path) -> None:
    await _kill_and_restart(tmp_path, 2000, Limits())

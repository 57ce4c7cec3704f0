"""One transaction per progress write: /capnhat, a button, a confirmed reply.

A write split over several transactions can leave an update recorded and its
draft still open (the officer presses "Đúng" again and the figure is written
twice), or a permission checked in one transaction and relied on in another.
The counts below are BEGINs seen by the engine while the bot handles one
update; the failure test proves the write and the draft's resolution commit
or roll back together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from core import callbacks as cb
from locales import t
from plans.errors import UserError
from sandbox.harness import BotHarness
from storage import drafts
from storage.db import Database
from storage.directory import person_by_telegram_id
from storage.progress import confirm_draft
from tests.factories import OFFICER_TP_TG, Commune
from tests.officers_support import press, say, updates_of, user


@dataclass
class Begins:
    """Transactions opened on one engine: all of them, and the writing ones."""

    modes: list[str] = field(default_factory=list)

    @property
    def writes(self) -> int:
        return self.modes.count("IMMEDIATE")

    @property
    def total(self) -> int:
        return len(self.modes)


@contextmanager
def counting_begins(database: Database) -> Iterator[Begins]:
    begins = Begins()

    def on_begin(conn: Any) -> None:
        begins.modes.append(conn.get_execution_options().get("sqlite_begin", "DEFERRED"))

    engine = database.engine.sync_engine
    event.listen(engine, "begin", on_begin)
    try:
        yield begins
    finally:
        event.remove(engine, "begin", on_begin)


async def test_capnhat_is_one_write(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    await say(harness, an, "/nhiemvu")  # the person is known; get_actor's reads are warm
    with counting_begins(harness.database) as begins:
        msg = await say(harness, an, "/capnhat 3 60 đã dự thảo")
    assert msg.text is not None and "60%" in msg.text
    print(f"/capnhat: {begins.total} transactions, {begins.writes} writing, {begins.modes}")
    assert begins.writes == 1 and begins.total <= 3


async def test_confirming_a_reply_is_one_write(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    echo = await say(harness, an, "nhiệm vụ 3 được 60%")
    confirm = echo.button_data()[0]
    assert cb.parse(confirm).verb == cb.CONFIRM  # type: ignore[union-attr]
    with counting_begins(harness.database) as begins:
        await press(harness, an, echo, confirm)
    rows = await updates_of(harness, commune.task_ids[3])
    assert [r.percent for r in rows] == [60]
    print(f"confirm: {begins.total} transactions, {begins.writes} writing, {begins.modes}")
    assert begins.writes == 1 and begins.total <= 3


async def test_confirming_several_tasks_is_one_write(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    echo = await say(harness, an, "nhiệm vụ 3 được 60%, nhiệm vụ 4 được 40%")
    with counting_begins(harness.database) as begins:
        await press(harness, an, echo, echo.button_data()[0])
    assert [r.percent for r in await updates_of(harness, commune.task_ids[3])] == [60]
    assert [r.percent for r in await updates_of(harness, commune.task_ids[4])] == [40]
    assert begins.writes == 1


async def test_a_failure_after_the_write_keeps_neither_update_nor_resolution(
    harness: BotHarness, commune: Commune, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fails while the draft is being resolved: the update goes too, "Đúng" still works."""
    an = user(harness, OFFICER_TP_TG)
    echo = await say(harness, an, "nhiệm vụ 3 được 60%")
    confirm = echo.button_data()[0]
    draft_id = cb.parse(confirm).args[0]  # type: ignore[union-attr]
    real_resolve = drafts.resolve_draft

    async def resolve_then_fail(session: Any, *args: Any, **kwargs: Any) -> None:
        await real_resolve(session, *args, **kwargs)  # written (flushed) in the transaction
        raise OperationalError("UPDATE", {}, Exception("disk I/O error"))

    monkeypatch.setattr(drafts, "resolve_draft", resolve_then_fail)
    harness.api.user_presses_button(an, echo, confirm)
    apology = await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert apology.text == t("common.error.storage_unavailable", "vi")
    assert await updates_of(harness, commune.task_ids[3]) == []
    async with harness.database.read() as session:
        assert not await drafts.is_resolved(session, draft_id)
    monkeypatch.setattr(drafts, "resolve_draft", real_resolve)
    await press(harness, an, echo, confirm)
    assert [r.percent for r in await updates_of(harness, commune.task_ids[3])] == [60]
    async with harness.database.read() as session:
        officer = await person_by_telegram_id(session, OFFICER_TP_TG)
    assert officer is not None
    with pytest.raises(UserError) as pressed_twice:  # a second "Đúng" on a stale copy
        await confirm_draft(harness.database, officer, draft_id, at=harness.clock.now())
    assert pressed_twice.value.key == "officer.reply.already_done"
    assert len(await updates_of(harness, commune.task_ids[3])) == 1

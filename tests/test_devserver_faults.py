"""Fault switches of the fake Bot API, seen through PTB's real Bot."""

from __future__ import annotations

import asyncio
import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from sandbox.devserver import FakeBotApi, FakeClock, Faults, Limits


@pytest.fixture
async def api():
    async with FakeBotApi(limits=Limits(clock=FakeClock()), faults=Faults(seed=7)) as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi):
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as b:
        yield b


async def test_transient_5xx_for_the_next_calls_of_one_method(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    api.faults.fail_next(2, status=502, method="sendMessage")

    await bot.get_me()  # other methods are untouched
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(alice.id, "Nhắc việc")
    await bot.send_message(alice.id, "Nhắc việc")

    assert [m.text for m in api.bot_messages(alice.id)] == ["Nhắc việc"]


async def test_random_failures_are_reproducible_with_a_seed(api: FakeBotApi, bot: Bot):
    def outcomes(seed: int) -> list[bool]:
        faults = Faults(seed=seed)
        faults.fail_randomly(0.5)
        return [faults.decide("sendMessage").error is None for _ in range(20)]

    assert outcomes(3) == outcomes(3)
    assert 0 < sum(outcomes(3)) < 20

    api.faults.fail_randomly(1.0, status=500, method="getMe")
    with pytest.raises(NetworkError):
        await bot.get_me()
    api.faults.clear()
    await bot.get_me()


async def test_dropped_connection_is_a_network_error(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    api.faults.drop_next(1, method="sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(alice.id, "mất kết nối")
    await bot.send_message(alice.id, "lần sau")


async def test_slow_answer_can_time_out_the_client(api: FakeBotApi):
    request = HTTPXRequest(read_timeout=0.05)
    async with Bot(api.token, base_url=api.base_url, request=request) as impatient:
        api.faults.slow(0.3, n=1, method="getMe")
        with pytest.raises(TimedOut):
            await impatient.get_me()
        await impatient.get_me()


async def test_429_burst_then_recovery(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    api.faults.rate_limit_next(2, retry_after=5)
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(alice.id, "x")
        assert caught.value.retry_after == dtm.timedelta(seconds=5)
    await bot.send_message(alice.id, "x")


async def test_global_limit_30_per_second(api: FakeBotApi, bot: Bot):
    users = [api.add_user(f"U{i}") for i in range(31)]
    await asyncio.gather(*(bot.send_message(u.id, "Nhắc việc") for u in users[:30]))
    with pytest.raises(RetryAfter):
        await bot.send_message(users[30].id, "Nhắc việc")


async def test_limits_can_be_switched_off(bot: Bot):
    async with FakeBotApi(limits=Limits.off()) as free:
        alice = free.add_user("Alice")
        async with Bot(free.token, base_url=free.base_url) as b:
            for i in range(10):
                await b.send_message(alice.id, f"tin {i}")
        assert len(free.bot_messages(alice.id)) == 10


async def test_second_get_updates_terminates_the_first_with_409(api: FakeBotApi, bot: Bot):
    from telegram.error import Conflict

    first = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until(lambda: api.state.calls[-1][0] == "getUpdates")
    async with Bot(api.token, base_url=api.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await first


async def test_callback_query_can_be_answered_once(api: FakeBotApi, bot: Bot):
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.error import BadRequest

    alice = api.add_user("Alice")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    await bot.send_message(alice.id, "?", reply_markup=markup)
    update = api.user_presses_button(alice, api.last_bot_message(alice.id), "ok")
    query_id = update["callback_query"]["id"]

    assert await bot.answer_callback_query(query_id, text="Xong", show_alert=True)
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query(query_id)
    answer = api.callback_answer(update)
    assert answer is not None and answer.text == "Xong" and answer.show_alert


async def test_the_other_403s_a_fan_out_must_survive(api: FakeBotApi, bot: Bot):
    from telegram.error import Forbidden

    stranger = api.add_user("Chưa bấm Start", started=False)
    gone = api.add_user("Đã xoá tài khoản")
    group = api.add_group("Nhóm cũ", [gone])
    api.faults.deactivate(gone.id)
    api.faults.kick_bot(group.id)

    with pytest.raises(Forbidden, match="initiate conversation"):
        await bot.send_message(stranger.id, "Nhắc việc")
    with pytest.raises(Forbidden, match="deactivated"):
        await bot.send_message(gone.id, "Nhắc việc")
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(group.id, "Nhắc việc")

    api.user_sends_text(stranger, None, "/start")  # now the bot may write
    await bot.send_message(stranger.id, "Chào anh")


async def test_answer_lost_after_sending_makes_a_retry_duplicate(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    api.faults.drop_next(1, method="sendMessage", after_processing=True)
    with pytest.raises(NetworkError):
        await bot.send_message(alice.id, "Nhắc hạn")
    await bot.send_message(alice.id, "Nhắc hạn")  # the naive retry
    assert [m.text for m in api.bot_messages(alice.id)] == ["Nhắc hạn", "Nhắc hạn"]


@pytest.mark.slow
async def test_polling_application_survives_a_getupdates_outage(api: FakeBotApi):
    """PTB backs off 1 s after a failed getUpdates, hence slow."""
    from telegram.ext import CommandHandler

    from sandbox.devserver.ptb import builder_for, polling

    async def start(update, context) -> None:
        await update.message.reply_text("vẫn chạy")

    app = builder_for(api).build()
    app.add_handler(CommandHandler("start", start))
    async with polling(app):
        alice = api.add_user("Alice")
        api.faults.fail_next(2, status=502, method="getUpdates")
        api.user_sends_text(alice, None, "/start")
        reply = await api.wait_for_bot_message(alice.id, timeout=10)
    assert reply.text == "vẫn chạy"

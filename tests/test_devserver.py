"""The fake Bot API server, driven by python-telegram-bot's real Bot and Application."""

from __future__ import annotations

import asyncio
import datetime as dtm

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox.devserver import FakeBotApi, FakeClock, Limits
from sandbox.devserver.ptb import bot_for, builder_for, polling


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def api(clock: FakeClock):
    async with FakeBotApi(limits=Limits(clock=clock)) as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi):
    async with bot_for(api) as b:
        yield b


# --- a tiny bot, run by a real PTB Application polling the fake server ----------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Có", callback_data="yes:1")],
            [InlineKeyboardButton("Không", callback_data="no:1")],
        ]
    )
    name = update.effective_user.first_name
    await update.message.reply_text(
        f"Xin chào <b>{name}</b>!", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(
        " ".join(context.args) or "(trống)",
        reply_parameters=ReplyParameters(update.message.message_id),
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("Đã ghi nhận")
    await query.edit_message_text(f"Bạn chọn: {query.data}")


async def received_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    document = update.message.document
    file = await document.get_file()
    data = bytes(await file.download_as_bytearray())
    context.bot_data["downloaded"] = data
    await update.message.reply_text(f"Đã nhận {document.file_name}: {len(data)} byte")


async def received_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    photo = update.message.photo[-1]
    data = bytes(await (await photo.get_file()).download_as_bytearray())
    await update.message.reply_text(f"Ảnh {len(data)} byte, chú thích: {update.message.caption}")


@pytest.fixture
async def app(api: FakeBotApi):
    application = builder_for(api).build()
    application.add_handlers(
        [
            CommandHandler("start", start),
            CommandHandler("echo", echo),
            CallbackQueryHandler(pressed),
            MessageHandler(filters.Document.ALL, received_document),
            MessageHandler(filters.PHOTO, received_photo),
        ]
    )
    async with polling(application):
        yield application


# --- end to end through the Application -------------------------------------------


async def test_start_command_reaches_handler_and_reply_is_seen(api: FakeBotApi, app: Application):
    alice = api.add_user("Alice", username="alice")
    api.user_sends_text(alice, None, "/start")

    reply = await api.wait_for_bot_message(alice.id)

    assert reply.text == "Xin chào Alice!"
    assert reply.entities == [{"type": "bold", "offset": 9, "length": 5}]
    assert reply.button_data() == ["yes:1", "no:1"]
    assert reply.reply_to is None


async def test_command_with_bot_username_in_a_group(api: FakeBotApi, app: Application):
    alice, bob = api.add_user("Alice"), api.add_user("Bob")
    group = api.add_group("UBND xã", [alice, bob])

    api.user_sends_text(bob, group, f"/echo@{api.bot_user.username} xin chào")

    reply = await api.wait_for_bot_message(group)
    assert reply.text == "xin chào"
    assert reply.reply_to is not None and reply.reply_to.sender.id == bob.id


async def test_button_press_answers_and_edits(api: FakeBotApi, app: Application):
    alice = api.add_user("Alice")
    api.user_sends_text(alice, None, "/start")
    menu = await api.wait_for_bot_message(alice.id)

    update = api.user_presses_button(alice, menu, "no:1")

    answer = await api.wait_for_callback_answer(update)
    assert answer.text == "Đã ghi nhận"
    await api.wait_until(lambda: menu.edits)
    assert menu.text == "Bạn chọn: no:1"
    assert menu.reply_markup is None  # editing text without a keyboard removes it
    assert menu.edits[0]["text"] == "Xin chào Alice!"
    assert menu.edit_date is not None


async def test_pressing_a_button_that_is_not_there_is_a_test_error(
    api: FakeBotApi, app: Application
):
    alice = api.add_user("Alice")
    api.user_sends_text(alice, None, "/start")
    menu = await api.wait_for_bot_message(alice.id)
    with pytest.raises(LookupError):
        api.user_presses_button(alice, menu, "maybe")


async def test_document_upload_reaches_handler_and_downloads_same_bytes(
    api: FakeBotApi, app: Application
):
    alice = api.add_user("Alice")
    content = bytes(range(256)) * 40
    api.user_uploads_document(alice, None, "bao-cao.xlsx", content, caption="Báo cáo quý I")

    reply = await api.wait_for_bot_message(alice.id)

    assert reply.text == f"Đã nhận bao-cao.xlsx: {len(content)} byte"
    assert app.bot_data["downloaded"] == content


async def test_photo_upload_reaches_handler(api: FakeBotApi, app: Application):
    alice = api.add_user("Alice")
    api.user_uploads_photo(alice, None, b"\xff\xd8 jpeg", caption="Minh chứng")
    reply = await api.wait_for_bot_message(alice.id)
    assert reply.text == "Ảnh 7 byte, chú thích: Minh chứng"


async def test_listeners_see_every_successful_call(api: FakeBotApi, app: Application):
    seen: list[tuple[str, str | None]] = []
    api.listeners.append(lambda method, params, result: seen.append((method, params.get("text"))))
    alice = api.add_user("Alice")
    api.user_sends_text(alice, None, "/start")
    await api.wait_for_bot_message(alice.id)
    assert ("sendMessage", "Xin chào <b>Alice</b>!") in seen


async def test_wait_idle_returns_once_the_bot_is_done(api: FakeBotApi, app: Application):
    alice = api.add_user("Alice")
    api.user_sends_text(alice, None, "/start")
    api.user_sends_text(alice, None, "hello, no handler for this")
    await api.wait_idle()
    assert [m.text for m in api.bot_messages(alice.id)] == ["Xin chào Alice!"]
    assert not api.state.updates


# --- direct Bot API calls -------------------------------------------------------------


async def test_get_me_and_bot_identity(api: FakeBotApi, bot: Bot):
    me = await bot.get_me()
    assert me.id == api.bot_user.id
    assert me.username == "cchc_test_bot"
    assert me.is_bot


async def test_wrong_token_is_unauthorized(api: FakeBotApi):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{api.base_url}999:wrong/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }


async def test_unknown_method_is_404(api: FakeBotApi, bot: Bot):
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{api.base_url}{api.token}/noSuchMethod", json={}) as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }


async def test_json_and_form_bodies_are_both_understood(api: FakeBotApi):
    alice = api.add_user("Alice")
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    url = f"{api.base_url}{api.token}/sendMessage"
    async with aiohttp.ClientSession() as http:
        async with http.post(
            url, json={"chat_id": alice.id, "text": "json", "reply_markup": markup}
        ) as response:
            assert (await response.json())["result"]["reply_markup"] == markup
        import json

        form = {"chat_id": str(alice.id), "text": "form", "reply_markup": json.dumps(markup)}
        async with http.post(url, data=form) as response:
            body = await response.json()
            assert body["ok"], body
            assert body["result"]["reply_markup"] == markup
        async with http.get(url, params={"chat_id": alice.id, "text": "query"}) as response:
            assert (await response.json())["result"]["text"] == "query"


async def test_reply_parameters_and_reply_keyboard(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    question = api.message_of(api.user_sends_text(alice, None, "50%"))

    sent = await bot.send_message(
        alice.id,
        "Chọn trạng thái",
        reply_parameters=ReplyParameters(question.message_id),
        reply_markup=ReplyKeyboardMarkup([[KeyboardButton("Đã xong"), "Đang làm"]]),
        disable_notification=True,
    )

    assert sent.reply_to_message.text == "50%"
    stored = api.last_bot_message(alice.id)
    assert stored.reply_to is question
    assert stored.send_options == {"disable_notification": True}
    assert api.reply_keyboard(alice.id) == [["Đã xong", "Đang làm"]]
    with pytest.raises(BadRequest, match=r"(?i)replied not found"):
        await bot.send_message(alice.id, "x", reply_parameters=ReplyParameters(999))


async def test_edit_reply_markup_and_not_modified(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    sent = await bot.send_message(alice.id, "Nhắc việc", reply_markup=keyboard)

    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("Nhắc việc", alice.id, sent.message_id, reply_markup=keyboard)
    edited = await bot.edit_message_reply_markup(alice.id, sent.message_id, reply_markup=None)

    assert edited.reply_markup is None
    stored = api.last_bot_message(alice.id)
    assert stored.reply_markup is None and len(stored.edits) == 1
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_reply_markup(alice.id, sent.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match=r"(?i)not found"):
        await bot.edit_message_text("x", alice.id, 999)


async def test_delete_message(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    sent = await bot.send_message(alice.id, "tạm")
    assert await bot.delete_message(alice.id, sent.message_id)
    assert api.bot_messages(alice.id) == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(alice.id, sent.message_id)


async def test_bot_sends_document_and_photo_file_ids_reusable(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Đã xem", callback_data="seen")]])
    sent = await bot.send_document(  # multipart, with reply_markup as a JSON string field
        alice.id,
        b"%PDF-1.4 fake",
        filename="bang-tien-do.pdf",
        caption="<b>Bảng</b> tiến độ",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
    )
    assert sent.document.file_name == "bang-tien-do.pdf"
    assert sent.caption == "Bảng tiến độ" and sent.reply_markup == keyboard
    assert [d.content for d in api.sent_documents(alice.id)] == [b"%PDF-1.4 fake"]

    again = await bot.send_document(alice.id, sent.document.file_id)
    assert again.document.file_id == sent.document.file_id
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 fake"

    photo = await bot.send_photo(alice.id, b"\x89PNG fake", caption="Biểu đồ")
    assert photo.photo[-1].file_size == len(b"\x89PNG fake")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(alice.id, sent.document.file_id, caption="a" * 1025)


async def test_commands_per_scope_and_language(api: FakeBotApi, bot: Bot):
    await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("capnhat", "Cập nhật")])
    await bot.set_my_commands(
        [BotCommand("start", "Start")], scope=BotCommandScopeAllPrivateChats(), language_code="en"
    )
    await bot.set_my_commands([BotCommand("baocao", "Báo cáo")], scope=BotCommandScopeChat(42))

    assert api.commands() == ["start", "capnhat"]
    assert api.commands("all_private_chats", "en") == ["start"]
    assert api.commands({"type": "chat", "chat_id": 42}) == ["baocao"]
    got = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="en")
    assert [c.command for c in got] == ["start"]
    assert await bot.get_my_commands(language_code="en") == ()

    await bot.delete_my_commands()
    assert api.commands() == []
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("cập_nhật", "x")])


async def test_chat_info_and_other_common_calls(api: FakeBotApi, bot: Bot):
    alice, bob = api.add_user("Alice"), api.add_user("Bob")
    group = api.add_group("Tổ CCHC", [alice, bob], username="to_cchc")

    chat = await bot.get_chat(group.id)
    assert chat.title == "Tổ CCHC" and chat.type == "supergroup"
    assert (await bot.send_message("@to_cchc", "Họp giao ban")).chat.id == group.id
    assert (await bot.get_chat_member(group.id, alice.id)).status == "creator"
    assert (await bot.get_chat_member(group.id, bob.id)).status == "member"
    assert await bot.get_chat_member_count(group.id) == 3
    assert await bot.send_chat_action(alice.id, "typing")
    assert await bot.set_chat_menu_button()
    assert await bot.set_my_description("Trợ lý CCHC")
    assert (await bot.get_my_description()).description == "Trợ lý CCHC"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(123, "x")


# --- long polling and webhook ------------------------------------------------------


async def test_get_updates_long_polls_and_honours_offset_and_limit(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0)
    api.user_sends_text(alice, None, "một")
    first = await waiting
    assert [u.message.text for u in first] == ["một"]

    api.user_sends_text(alice, None, "hai")
    api.user_sends_text(alice, None, "ba")
    assert len(await bot.get_updates(limit=1)) == 1
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["hai", "ba"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()


async def test_allowed_updates_filters_update_types(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    sent = await bot.send_message(
        alice.id,
        "?",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]]),
    )
    api.user_sends_text(alice, None, "text")
    api.user_presses_button(alice, api.last_bot_message(alice.id), "a")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.message.message_id for u in updates] == [sent.message_id]


async def test_webhook_delivers_with_secret_and_blocks_get_updates(api: FakeBotApi, bot: Bot):
    received: list[tuple[dict, str | None]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        api.changed()
        return web.Response()

    receiver = web.Application()
    receiver.router.add_post("/hook", receive)
    runner = web.AppRunner(receiver)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        alice = api.add_user("Alice")
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        api.user_sends_text(alice, None, "/start")

        await api.wait_until(lambda: received and not api.state.updates)
        update, secret = received[0]
        assert secret == "s3cret"
        assert update["message"]["text"] == "/start"
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook") and info.pending_update_count == 0
        with pytest.raises(Conflict):
            await bot.get_updates()

        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
    finally:
        await runner.cleanup()


# --- limits -------------------------------------------------------------------------


async def test_private_chat_flood_limit_gives_retry_after(
    api: FakeBotApi, bot: Bot, clock: FakeClock
):
    alice = api.add_user("Alice")
    for i in range(3):  # the burst passes
        await bot.send_message(alice.id, f"tin {i}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(alice.id, "một tin quá nhiều")
    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert len(api.bot_messages(alice.id)) == 3

    clock.advance(1)
    await bot.send_message(alice.id, "sau khi chờ")
    assert len(api.bot_messages(alice.id)) == 4


async def test_group_flood_limit_is_20_per_minute(api: FakeBotApi, bot: Bot, clock: FakeClock):
    alice = api.add_user("Alice")
    group = api.add_group("Nhóm", [alice])
    for i in range(20):
        await bot.send_message(group.id, f"tin {i}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(group.id, "tin 21")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    clock.advance(3)
    await bot.send_message(group.id, "tin 21")


async def test_raw_429_body_matches_telegram(api: FakeBotApi):
    api.faults.rate_limit_next(1, retry_after=7)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{api.base_url}{api.token}/getMe") as response:
            assert response.status == 429
            assert await response.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            }


async def test_text_length_is_measured_after_entity_parsing(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    await bot.send_message(alice.id, "a" * 4096)
    await bot.send_message(alice.id, "<b>" + "&lt;" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert api.last_bot_message(alice.id).text == "<" * 4096
    await bot.send_message(alice.id, "😀" * 4096)  # code points count, not UTF-16 units
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(alice.id, "ă" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await bot.send_message(alice.id, "<b></b>", parse_mode=ParseMode.HTML)


async def test_malformed_markup_cannot_be_parsed(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(alice.id, "<b>đậm <i>nghiêng</b></i>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(alice.id, "<b>không đóng", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(alice.id, "Tên: Nguyễn <Văn> A", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)reserved"):
        await bot.send_message(alice.id, "Hạn 31.12", parse_mode=ParseMode.MARKDOWN_V2)
    await bot.send_message(alice.id, "*Hạn* 31\\.12", parse_mode=ParseMode.MARKDOWN_V2)
    assert api.last_bot_message(alice.id).entities == [{"type": "bold", "offset": 0, "length": 3}]


async def test_callback_data_is_limited_to_64_bytes(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")

    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data=data)]])

    await bot.send_message(alice.id, "ok", reply_markup=keyboard("t" * 64))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(alice.id, "no", reply_markup=keyboard("ậ" * 22))  # 66 bytes


# --- faults ----------------------------------------------------------------------------


async def test_blocked_user_answers_403(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    api.faults.block(alice.id)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(alice.id, "Nhắc việc")
    api.faults.unblock(alice.id)
    await bot.send_message(alice.id, "Nhắc việc")


# --- what the bot sees of users ---------------------------------------------------------


async def test_group_privacy_mode_hides_ordinary_group_messages(api: FakeBotApi, bot: Bot):
    alice, bob = api.add_user("Alice"), api.add_user("Bob")
    group = api.add_group("UBND xã", [alice, bob])
    announcement = await bot.send_message(group.id, "Đề nghị báo cáo tiến độ")

    assert api.user_sends_text(alice, group, "chào cả nhà") is None
    assert api.user_sends_text(alice, group, "/start@other_bot") is None
    assert api.user_sends_text(alice, group, "/capnhat 50%") is not None
    assert api.user_sends_text(bob, group, "80%", reply_to=announcement.message_id) is not None
    assert len(api.messages_in(group)) == 5  # all stored, two hidden from the bot

    texts = [u.message.text for u in await bot.get_updates()]
    assert texts == ["/capnhat 50%", "80%"]
    assert (await bot.get_me()).can_read_all_group_messages is False


async def test_edited_message_and_block_updates(api: FakeBotApi, bot: Bot):
    alice = api.add_user("Alice")
    api.user_sends_text(alice, None, "50%")
    original = api.messages_in(alice.id)[-1]
    api.user_edits_text(alice, original, "60%")
    api.user_blocks_bot(alice)

    updates = await bot.get_updates()
    assert updates[1].edited_message.text == "60%"
    assert updates[1].edited_message.edit_date is not None
    change = updates[2].my_chat_member
    assert change.new_chat_member.status == "kicked" and change.from_user.id == alice.id
    with pytest.raises(Forbidden):
        await bot.send_message(alice.id, "Nhắc việc")
    api.user_unblocks_bot(alice)
    await bot.send_message(alice.id, "Nhắc việc")


async def test_media_group_of_documents(api: FakeBotApi, bot: Bot):
    from telegram import InputMediaDocument

    alice = api.add_user("Alice")
    sent = await bot.send_media_group(
        alice.id,
        [
            InputMediaDocument(b"one", filename="ke-hoach.docx"),
            InputMediaDocument(
                b"two", filename="bao-cao.xlsx", caption="<i>Quý I</i>", parse_mode="HTML"
            ),
        ],
    )
    assert [m.document.file_name for m in sent] == ["ke-hoach.docx", "bao-cao.xlsx"]
    assert sent[1].caption == "Quý I"
    assert [d.content for d in api.sent_documents(alice.id)] == [b"one", b"two"]

"""``cchc-bot demo``: the terminal chat's parsing and buttons, and a scripted end-to-end run.

The terminal tests drive :class:`Terminal` against the fake Bot API with a
plain PTB ``Bot`` standing in for the application, so they hold whatever chat
features exist. The end-to-end test runs the real command in-process with a
script and checks the transcript; parts that need colleagues' features
(registration's /start, the scheduler) are asserted when those are present.
"""

from __future__ import annotations

import importlib.util
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

import handlers
from bot.cli import main
from locales import catalog
from plans.clock import ManualClock
from sandbox.demo.run import demo_tick_seconds
from sandbox.demo.seed import PEOPLE, load_demo_plan, person_by_key, plan_bytes
from sandbox.demo.terminal import Terminal, parse_duration, parse_instant
from sandbox.devserver import FakeBotApi, Limits

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


# --- small pieces ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2d", timedelta(days=2)),
        ("3h30m", timedelta(hours=3, minutes=30)),
        ("1 tuần", timedelta(days=7)),
        ("2 ngày", timedelta(days=2)),
        ("45 phút", timedelta(minutes=45)),
        ("1w 2d", timedelta(days=9)),
        ("", None),
        ("abc", None),
        ("2x", None),
        ("0d", None),
    ],
)
def test_parse_duration(text: str, expected: timedelta | None) -> None:
    assert parse_duration(text) == expected


def test_parse_instant_accepts_iso_and_vietnamese_order() -> None:
    expected = datetime(2024, 6, 10, 7, 30, tzinfo=TZ)
    assert parse_instant("2024-06-10 07:30", TZ) == expected
    assert parse_instant('"10/06/2024 07:30"', TZ) == expected
    assert parse_instant("10/06/2024", TZ) == expected  # the start of a working morning
    assert parse_instant("tuần sau", TZ) is None
    assert parse_instant("2024-13-40 07:30", TZ) is None


def test_tick_interval_follows_speed() -> None:
    assert demo_tick_seconds(60) == 5.0
    assert demo_tick_seconds(1) == 10.0
    assert demo_tick_seconds(10_000) == 1.0


def test_person_by_key() -> None:
    assert person_by_key("2") is PEOPLE[1]
    assert person_by_key("chairman").full_name == "Lê Văn Hùng"  # type: ignore[union-attr]
    assert person_by_key("hung").full_name == "Lê Văn Hùng"  # type: ignore[union-attr]
    assert person_by_key("An") is PEOPLE[0]
    assert person_by_key("99") is None
    assert person_by_key("không ai") is None
    ids = [p.telegram_user_id for p in PEOPLE]
    assert len(set(ids)) == len(ids)


def test_packaged_plan_is_the_fixture() -> None:
    fixture = Path(__file__).parent / "fixtures" / "ke-hoach-cchc-vinh-khe-2024.docx"
    assert plan_bytes() == fixture.read_bytes()
    assert len(load_demo_plan().all_tasks()) == 28


def test_demo_catalogs_match() -> None:
    vi = {k for k in catalog("vi") if k.startswith("demo.")}
    en = {k for k in catalog("en") if k.startswith("demo.")}
    assert vi == en
    assert len(catalog("vi")["demo.weekdays"].split(",")) == 7


# --- the terminal against the fake server ------------------------------------------


class _Ticks:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self) -> None:
        self.count += 1


@pytest.fixture
async def terminal_setup(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with FakeBotApi(limits=Limits.off()) as api:
        out = io.StringIO()
        ticks = _Ticks()
        clock = ManualClock(datetime(2024, 6, 3, 7, 30, tzinfo=TZ))
        terminal = Terminal(
            api,
            clock=clock,
            tz=TZ,
            lang="vi",
            out=out,
            tick=ticks,
            speed=60,
            files_dir=tmp_path / "files",
        )
        bot = Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url)
        async with bot:
            yield api, terminal, out, bot, clock, ticks
        terminal.detach()


def _queued(api: FakeBotApi) -> list[dict]:  # type: ignore[type-arg]
    return list(api.state.updates)


async def test_bot_messages_show_numbered_buttons_and_presses_send_callbacks(
    terminal_setup,  # type: ignore[no-untyped-def]
) -> None:
    api, terminal, out, bot, _clock, _ticks = terminal_setup
    an = PEOPLE[0]
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("50%", callback_data="p:7:50"),
                InlineKeyboardButton("Hoàn thành", callback_data="p:7:100"),
            ],
            [InlineKeyboardButton("Xem văn bản", url="https://example.org/kh")],
        ]
    )
    await bot.send_message(
        an.telegram_user_id,
        "<b>Nhiệm vụ 7</b> &amp; hạn 30/06 &lt;gấp&gt;",
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    terminal.flush_bot_output()
    shown = out.getvalue()
    assert "── Bot → Nguyễn Văn An · tin số 1 ──" in shown
    assert "Nhiệm vụ 7 & hạn 30/06 <gấp>" in shown  # HTML shown as the person sees it
    assert "[1] 50%  [2] Hoàn thành" in shown
    assert "[3] Xem văn bản" in shown

    assert await terminal.handle("#2")
    update = _queued(api)[-1]
    assert update["callback_query"]["data"] == "p:7:100"
    assert update["callback_query"]["from"]["id"] == an.telegram_user_id
    assert await terminal.handle(":1")
    assert _queued(api)[-1]["callback_query"]["data"] == "p:7:50"

    before = len(_queued(api))
    await terminal.handle("#3")  # a link, not a callback
    await terminal.handle("#9")
    assert len(_queued(api)) == before
    assert "https://example.org/kh" in out.getvalue()
    assert "Không có nút số 9" in out.getvalue()


async def test_edits_and_callback_answers_are_printed(terminal_setup) -> None:  # type: ignore[no-untyped-def]
    api, terminal, out, bot, _clock, _ticks = terminal_setup
    an = PEOPLE[0]
    sent = await bot.send_message(
        an.telegram_user_id,
        "Chọn tiến độ",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("50%", callback_data="x")]]),
    )
    terminal.flush_bot_output()
    await terminal.handle("#1")
    query_id = _queued(api)[-1]["callback_query"]["id"]
    await bot.answer_callback_query(query_id, text="Đã ghi 50%")
    await bot.edit_message_text(
        "Đã cập nhật: 50%", chat_id=sent.chat_id, message_id=sent.message_id
    )
    terminal.flush_bot_output()
    shown = out.getvalue()
    assert "💬 Đã ghi 50%" in shown
    assert "── Bot sửa tin số 1 (Nguyễn Văn An) ──" in shown
    assert "Đã cập nhật: 50%" in shown
    # the edit removed the keyboard: nothing left to press
    await terminal.handle("#1")
    assert "Chưa có tin nhắn nào có nút bấm." in out.getvalue()


async def test_reply_upload_switch_and_time(terminal_setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api, terminal, out, bot, clock, ticks = terminal_setup
    an, chairman = PEOPLE[0], PEOPLE[5]
    await bot.send_message(an.telegram_user_id, "Nhiệm vụ 2 đã xong chưa?")

    await terminal.handle("/reply 1 Đã ban hành Kế hoạch số 15/KH-UBND")
    update = _queued(api)[-1]["message"]
    assert update["reply_to_message"]["message_id"] == 1
    assert update["text"] == "Đã ban hành Kế hoạch số 15/KH-UBND"
    await terminal.handle(">1 100%")
    assert _queued(api)[-1]["message"]["text"] == "100%"
    before = len(_queued(api))
    await terminal.handle("/reply 42 gì đó")
    assert len(_queued(api)) == before
    assert "Không có tin nhắn số 42" in out.getvalue()

    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4 demo")
    await terminal.handle(f":upload {evidence} minh chứng nhiệm vụ 2")
    document = _queued(api)[-1]["message"]
    assert document["document"]["file_name"] == "bien-ban.pdf"
    assert document["caption"] == "minh chứng nhiệm vụ 2"
    await terminal.handle(":upload /khong/co/tep.pdf")
    assert "Không đọc được tệp" in out.getvalue()

    assert terminal.prompt() == "[Nguyễn Văn An · Tư pháp - Hộ tịch] > "
    await terminal.handle(":as chairman")
    assert terminal.prompt() == "[Lê Văn Hùng · Chủ tịch UBND xã] > "
    await terminal.handle("/tongquan")
    sent = _queued(api)[-1]["message"]
    assert sent["from"]["id"] == chairman.telegram_user_id
    assert sent["entities"][0]["type"] == "bot_command"
    await terminal.handle(":as ai đó")
    assert "Không tìm thấy người dùng thử" in out.getvalue()

    await terminal.handle(":skip 2d")
    assert clock.now() == datetime(2024, 6, 5, 7, 30, tzinfo=TZ)
    await terminal.handle(":at 10/06/2024 08:00")
    assert clock.now() == datetime(2024, 6, 10, 8, 0, tzinfo=TZ)
    assert ticks.count == 2
    await terminal.handle(":skip mai")
    assert "Không hiểu khoảng thời gian" in out.getvalue()
    await terminal.handle(":time")
    assert "08:00 thứ Hai, ngày 10/06/2024" in out.getvalue()
    await terminal.handle(":khong-co")
    assert "Không có lệnh :khong-co" in out.getvalue()
    assert await terminal.handle(":quit") is False


async def test_show_again_and_only_my_messages(terminal_setup) -> None:  # type: ignore[no-untyped-def]
    _api, terminal, out, bot, _clock, _ticks = terminal_setup
    an, hoa = PEOPLE[0], PEOPLE[1]
    await bot.send_message(an.telegram_user_id, "Nhắc việc cho An")
    await bot.send_message(hoa.telegram_user_id, "Nhắc việc cho Hoa\nDòng thứ hai")
    await terminal.handle(":mine")
    terminal.flush_bot_output()
    shown = out.getvalue()
    assert "Nhắc việc cho An" in shown
    assert "── Bot → Phạm Thị Hoa · tin số 1 ──" in shown
    assert "Nhắc việc cho Hoa" not in shown  # one line only for someone else

    await terminal.handle(":as hoa")
    await terminal.handle(":show")
    assert "Nhắc việc cho Hoa" in out.getvalue()
    await terminal.handle(":show 7")
    assert "Không có tin nhắn “7”" in out.getvalue()
    await terminal.handle(":all")
    await bot.send_message(an.telegram_user_id, "Tin thứ hai cho An")
    terminal.flush_bot_output()
    assert "Tin thứ hai cho An" in out.getvalue()


# --- the command, scripted, in-process -------------------------------------------------


def test_demo_command_runs_a_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "kich-ban.txt"
    script.write_text(
        "\n".join(
            [
                ":help",
                "/start",
                "/nhiemvu",
                "#1",
                ":as chairman",
                "/start",
                ":who",
                ":time",
                ":at 2024-06-10 09:00",
                ":as 1",
                "# một dòng ghi chú",
                ":quit",
                "/start",  # never reached
            ]
        ),
        encoding="utf-8",
    )
    db = tmp_path / "demo" / "demo.sqlite3"
    code = main(["demo", "--script", str(script), "--db", str(db), "--speed", "1"])
    output = capsys.readouterr().out
    assert code == 0, output
    assert "28 nhiệm vụ thuộc 8 lĩnh vực" in output
    assert "Kế hoạch số 10/KH-UBND ngày 15/01/2024" in output
    assert "[Nguyễn Văn An · Tư pháp - Hộ tịch] > /start" in output
    assert "[Lê Văn Hùng · Chủ tịch UBND xã] > /start" in output
    assert "Bây giờ bạn là Lê Văn Hùng" in output
    assert "Chuyển tới 09:00 thứ Hai, ngày 10/06/2024" in output
    assert output.count("Kết thúc chạy thử") == 1
    assert output.rstrip().endswith("Kết thúc chạy thử. Cảm ơn bạn!")
    assert db.exists()

    # /start answers once registration is part of the bot.
    if "handlers.registration" in handlers.FEATURE_MODULES:
        after_start = output.split("[Nguyễn Văn An · Tư pháp - Hộ tịch] > /start", 1)[1]
        assert "── Bot → Nguyễn Văn An" in after_start.split("> /nhiemvu", 1)[0]
        chairman_part = output.split("[Lê Văn Hùng · Chủ tịch UBND xã] > /start", 1)[1]
        assert "── Bot → Lê Văn Hùng" in chairman_part.split("> :who", 1)[0]
    # /nhiemvu lists An's tasks with a button each; pressing one opens the task.
    if "handlers.tasks_list" in handlers.FEATURE_MODULES:
        listing = output.split("> /nhiemvu", 1)[1].split("> #1", 1)[0]
        assert "── Bot → Nguyễn Văn An" in listing
        assert "[1] " in listing
        pressed = output.split("> #1", 1)[1].split("> :as chairman", 1)[0]
        assert "(bấm nút “" in pressed
        assert "── Bot" in pressed.split("(bấm nút “", 1)[1]
    # Overdue plan tasks (due in Q1) are reminded once the scheduler exists.
    if importlib.util.find_spec("scheduler.jobs") is not None:
        after_jump = output.split("> :at 2024-06-10 09:00", 1)[1].split("> :as 1", 1)[0]
        assert "── Bot → " in after_jump


def test_demo_keeps_data_reads_stdin_and_rejects_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "empty.txt"
    script.write_text(":time\n", encoding="utf-8")
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--script", str(script), "--db", str(db)]) == 0
    assert main(["demo", "--script", str(script), "--db", str(db), "--keep"]) == 0
    output = capsys.readouterr().out
    assert "Dùng lại dữ liệu đã có của xã Vĩnh Khê" in output

    # without --script, input that is not a terminal is read as a script
    monkeypatch.setattr("sys.stdin", io.StringIO(":as 7\n"))
    assert main(["demo", "--db", str(db), "--lang", "en", "--speed", "1"]) == 0
    output = capsys.readouterr().out
    assert "You are now Đỗ Minh Tuấn (Home Affairs Office, Vĩnh Linh district)." in output
    assert "Loaded plan No. 10/KH-UBND of 15/01/2024: 28 tasks in 8 fields." in output

    assert main(["demo", "--script", str(script), "--db", str(db), "--at", "mai"]) == 1
    assert "Không hiểu thời điểm --at “mai”" in capsys.readouterr().err
    missing = tmp_path / "khong-co.txt"
    assert main(["demo", "--script", str(missing), "--db", str(db)]) == 1
    assert "Không đọc được tệp kịch bản" in capsys.readouterr().err


def test_demo_script_replays_messages_through_the_reader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15: a script of ``:read`` lines prints how each message is read (nothing sent)."""
    script = tmp_path / "doc-thu.txt"
    script.write_text(
        "\n".join(
            [
                ":read số 7 xong, số 8 được 50%",
                ":read gan xong",
                ":read hạn nhiệm vụ 9 là khi nào?",
                ":read chào anh",
                ":quit",
            ]
        ),
        encoding="utf-8",
    )
    db = tmp_path / "demo" / "demo.sqlite3"
    code = main(["demo", "--script", str(script), "--db", str(db), "--speed", "1"])
    output = capsys.readouterr().out
    assert code == 0, output
    first = output.split("> :read số 7 xong", 1)[1].split("> :read gan xong", 1)[0]
    assert "Nhiệm vụ số 7 · 100% · hoàn thành" in first
    assert "Nhiệm vụ số 8 · 50% · đang thực hiện" in first
    assert "── Bot" not in first  # nothing was sent to the bot
    second = output.split("> :read gan xong", 1)[1]
    assert "cần hỏi: nhiệm vụ nào" in second and "cần hỏi: tỷ lệ hoàn thành" in second
    assert "Câu hỏi: hạn của nhiệm vụ 9" in output
    assert "Không phải cập nhật tiến độ" in output

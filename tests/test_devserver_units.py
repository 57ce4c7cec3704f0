"""Pure parts of the fake Bot API: entity parsing, the flood limiter, fault decisions."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Chat, Message, MessageEntity

from sandbox.devserver.errors import ApiError
from sandbox.devserver.faults import Faults
from sandbox.devserver.formatting import parse_html, parse_markdown_v2, parse_text, utf16_len
from sandbox.devserver.limits import FakeClock, Limits

# --- HTML ---------------------------------------------------------------------------


def test_html_entities_use_utf16_offsets():
    text, entities = parse_html("😀 <b>Nhắc <i>hạn</i></b> &lt;b&gt; &amp; &#65;")
    assert text == "😀 Nhắc hạn <b> & A"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 8},
        {"type": "italic", "offset": 8, "length": 3},
    ]
    assert utf16_len("😀") == 2


def test_html_links_pre_spoilers_and_quotes():
    text, entities = parse_html(
        '<a href="https://dichvucong.gov.vn">DVC</a> '
        '<pre><code class="language-python">x</code></pre>'
        '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>'
    )
    assert text == "DVC xsq"
    types = [(e["type"], e["offset"]) for e in entities]
    assert types == [("text_link", 0), ("pre", 4), ("spoiler", 5), ("expandable_blockquote", 6)]
    assert entities[1]["language"] == "python"


@pytest.mark.parametrize(
    "bad",
    [
        "<b>không đóng",
        "</b>",
        "<b>x</i>",
        "Nguyễn <Văn> A",
        "a < b",
        "<div>x</div>",
        "<span>x</span>",
    ],
)
def test_malformed_html_is_refused(bad: str):
    with pytest.raises(ApiError) as caught:
        parse_html(bad)
    assert caught.value.status == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")


def test_html_round_trips_with_ptb_text_html():
    """What PTB renders from entities, we parse back to the same entities."""
    entities = [
        MessageEntity("bold", 0, 5),
        MessageEntity("italic", 6, 4),
        MessageEntity("text_link", 11, 3, url="https://x.vn/?a=1&b=2"),
        MessageEntity("code", 15, 3),
    ]
    message = Message(
        1,
        dtm.datetime.now(dtm.UTC),
        Chat(1, "private"),
        text="Quý I 2024 DVC <x>",
        entities=entities,
    )
    text, parsed = parse_html(message.text_html)
    assert text == message.text
    assert parsed == [e.to_dict() for e in entities]


# --- MarkdownV2 ---------------------------------------------------------------------


def test_markdown_v2_entities_and_escapes():
    text, entities = parse_markdown_v2(
        "*đậm _nghiêng_* __gạch__ ~x~ ||ẩn|| `a\\`b` [DVC](https://x.vn/a\\)b) 31\\.12"
    )
    assert text == "đậm nghiêng gạch x ẩn a`b DVC 31.12"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    assert entities[-1]["url"] == "https://x.vn/a)b"


def test_markdown_v2_pre_with_language():
    text, entities = parse_markdown_v2("```python\nprint(1)```")
    assert text == "print(1)"
    assert entities == [{"type": "pre", "offset": 0, "length": 8, "language": "python"}]


@pytest.mark.parametrize("bad", ["Hạn 31.12", "*không đóng", "[x](y", "a-b", "(1)"])
def test_malformed_markdown_v2_is_refused(bad: str):
    with pytest.raises(ApiError, match="can't parse entities"):
        parse_markdown_v2(bad)


def test_plain_text_and_unknown_parse_mode():
    assert parse_text("<b>x</b>", None) == ("<b>x</b>", [])
    with pytest.raises(ApiError, match="parse_mode"):
        parse_text("x", "BBCode")


# --- limiter ------------------------------------------------------------------------


def test_private_chat_bucket_burst_then_one_per_second():
    clock = FakeClock()
    limits = Limits(clock=clock)
    assert [limits.check_send(1, is_private=True) for _ in range(4)] == [None, None, None, 1]
    clock.advance(0.5)
    assert limits.check_send(1, is_private=True) == 1
    clock.advance(0.5)
    assert limits.check_send(1, is_private=True) is None
    assert limits.check_send(2, is_private=True) is None  # other chats are independent


def test_group_bucket_20_per_minute():
    clock = FakeClock()
    limits = Limits(clock=clock)
    assert all(limits.check_send(-5, is_private=False) is None for _ in range(20))
    assert limits.check_send(-5, is_private=False) == 3
    clock.advance(3)
    assert limits.check_send(-5, is_private=False) is None


def test_global_bucket_30_per_second_and_refusals_cost_nothing():
    clock = FakeClock()
    limits = Limits(clock=clock)
    assert all(limits.check_send(chat, is_private=True) is None for chat in range(30))
    for _ in range(5):
        assert limits.check_send(99, is_private=True) == 1
    clock.advance(1 / 30)
    assert limits.check_send(99, is_private=True) is None


def test_limits_off():
    limits = Limits.off()
    assert all(limits.check_send(1, is_private=True) is None for _ in range(100))


# --- fault decisions ----------------------------------------------------------------


def test_fault_rules_are_counted_and_scoped_to_a_method():
    faults = Faults()
    faults.fail_next(1, status=503, method="sendMessage")
    faults.drop_next(1)
    first = faults.decide("getMe")
    assert first.drop and first.error is None
    error = faults.decide("sendmessage").error
    assert error is not None and error.status == 503
    assert faults.decide("sendMessage") == faults.decide("getMe")  # nothing armed any more


def test_slow_adds_delay_without_consuming_error_rules():
    faults = Faults()
    faults.slow(0.2, n=1)
    faults.rate_limit_next(1, retry_after=4)
    decision = faults.decide("sendMessage")
    assert decision.delay == 0.2
    assert decision.error is not None and decision.error.parameters == {"retry_after": 4}
    assert faults.decide("sendMessage").delay == 0

"""One list of done words: a stored status and an officer's chat message agree on them.

The chat reader (plans.understanding.figures) and the stored-status rule
(plans.completion.status_says_done) used to keep a list each; "vừa ban hành",
"xog" and "mới tổ chức" were done in chat but not in a stored or imported
status, and "issued" the other way round. Both now read plans.completion's
vocabulary: any phrase it generates must be done by both paths.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.calendar import fold
from plans.completion import (
    DONE_ACTIVITY_RE,
    DONE_FINISHED_RE,
    DONE_ISSUED_RE,
    is_done,
    status_says_done,
)
from plans.understanding.figures import DONE, read_figure

VOCABULARY = re.compile("|".join((DONE_FINISHED_RE, DONE_ISSUED_RE, DONE_ACTIVITY_RE)))


def _chat_says_done(text: str) -> bool:
    figure = read_figure(" ".join(fold(text).split()))
    return figure.status == DONE and figure.percent == 100


@given(
    st.from_regex(
        VOCABULARY, fullmatch=True, alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz ")
    )
)
def test_every_done_phrase_is_done_for_both_readers(phrase):
    assert status_says_done(phrase)
    assert _chat_says_done(phrase)


@pytest.mark.parametrize(
    "text",
    [
        "Vừa ban hành Kế hoạch số 5/KH-UBND",  # stored status missed "vừa" / "mới"
        "Mới tổ chức hội nghị",
        "xog",  # the typos the chat knew
        "Xonq",
        "Issued",  # the English word only the stored status knew
        "Đã ban hành",
        "Hoàn thành",
    ],
)
def test_phrases_one_list_missed_are_done_for_both(text):
    assert status_says_done(text)
    assert is_done(None, text)
    assert _chat_says_done(text)


@pytest.mark.parametrize("text", ["not done", "Not yet finished", "has not been completed"])
def test_english_negation_is_not_done_for_both(text):
    # The chat read "not done" as 100 % (its negations were Vietnamese only).
    assert not status_says_done(text)
    assert not _chat_says_done(text)


def test_not_is_a_negation_only_in_english():
    # Folded, "nốt" is "not": "đã làm nốt xong" (finished the rest) is done.
    assert _chat_says_done("đã làm nốt xong")

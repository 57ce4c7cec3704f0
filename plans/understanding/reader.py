"""Turn one officer message into update drafts, a question, or small talk.

The same reader serves the chat (handlers/updates.py) and ``cchc-bot
parse-update``; it is pure (no Telegram, no database) and fast (a few
regular expressions over a folded copy of the text, plus a rapidfuzz lookup
only when no task was named).

A message is cut into segments, one per task mention ("số 7 xong, số 8
được 50%" → two), each read for its figure (:mod:`.figures`) and output
(:mod:`.outputs`); a segment that names a task but says nothing shares the
figure of the next one ("số 7 và số 8 đều xong"). With no mention, the task
comes from the replied-to message when it is about one task, else from the
title words. Nothing here is recorded: the chat echoes drafts for
confirmation.

JSON contract (``Reading.to_json``)::

    {"updates": [{"task_number": 7 | null, "percent": 80 | null,
                  "status": "done" | "in_progress" | "not_started" | null,
                  "output": "…" | null, "note": "…"}],
     "needs": ["task" | "percent"],
     "question": "deadline" | "my_tasks" | null}

``needs`` lists what the chat must still ask: "task" when a draft has no
task (none named, or several fit), "percent" when the figure is missing,
"gần xong" (offer 75/90%), contradicted ("đã xong 80%") or refused
("10000%"). For a question, ``updates`` name the tasks asked about and
carry no figures. Small talk reads as no updates, no needs, no question.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from plans.regex import lazy_compile
from plans.understanding.figures import Figure, read_figure
from plans.understanding.fold import clean, fold
from plans.understanding.outputs import DOC_RE, find_outputs
from plans.understanding.tasks import Mention, TaskIndex, TaskRef, find_mentions

__all__ = ["QUESTION_DEADLINE", "QUESTION_MY_TASKS", "Reading", "UpdateDraft", "read_message"]

QUESTION_DEADLINE = "deadline"
QUESTION_MY_TASKS = "my_tasks"

_DEADLINE_Q_RE = lazy_compile(
    r"(?<!gia )\b(?:han|thoi han|han chot|deadline|het han)\b.*(?:\?|\b(?:khi nao|bao gio|ngay nao"
    r"|ngay may|hom nao|luc nao|la gi|nao)\b)"
    r"|\b(?:khi nao|bao gio|ngay nao|ngay may)\b.*(?<!gia )\b(?:han|het han|phai xong|phai nop"
    r"|phai hoan thanh)\b"
)
_MY_TASKS_Q_RE = lazy_compile(
    r"\b(?:con|co|dang co|con lai)\s+(?:nhung\s+|may\s+)?(?:viec|nhiem vu|nv|cong viec)\s+"
    r"(?:gi|nao|chua)\b"
    r"|\b(?:viec|nhiem vu|nv|cong viec)\s+(?:cua\s+)?(?:toi|em|minh|tui|t)\b.*(?:\?|gi|nao)"
    r"|\b(?:toi|em|minh|tui)\s+(?:con|phai lam|dang co|co|con phai lam)\s+(?:nhung\s+)?"
    r"(?:viec|nhiem vu|nv|gi)\b"
    r"|\bdanh sach (?:nhiem vu|viec)\b|\bcon (?:thieu|no) (?:viec|nhiem vu|bao cao) (?:gi|nao)\b"
    r"|\bcon (?:gi|viec gi) chua (?:lam|xong|cap nhat)\b"
)
_EVIDENCE_RE = lazy_compile(
    r"\b(?:minh chung|kiem chung|tai lieu|dinh kem|gui kem|file|anh chup|hinh anh|ban scan|scan"
    r"|bang chung)\b"
)
_SEGMENT_EDGES = " ,.;:!?-–+&"
_JOIN_HEAD_RE = lazy_compile(r"(?:va|con|voi|them|cung)\b\s*")
_JOIN_TAIL_RE = lazy_compile(r"\s*\b(?:va|con|voi)$")


@dataclass(frozen=True, slots=True)
class UpdateDraft:
    """One task's update as read (never recorded before the officer confirms)."""

    task_number: int | None
    percent: int | None = None
    status: str | None = None
    status_text: str | None = None
    output: str | None = None
    note: str = ""
    candidates: tuple[int, ...] = ()  # when several tasks fit: ask among these
    code: str | None = None  # the plan code typed, when the task was named by code
    conflict: bool = False
    asks_figure: bool = False
    invalid: str | None = None
    evidence: bool = False
    named: bool = False  # the task was named in the text ("số 10", "3.2.1"), not guessed

    @property
    def has_figure(self) -> bool:
        return self.percent is not None or self.status is not None or self.output is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "task_number": self.task_number,
            "percent": self.percent,
            "status": self.status,
            "output": self.output,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Reading:
    """Everything one message says (see the module docstring)."""

    updates: tuple[UpdateDraft, ...] = ()
    needs: tuple[str, ...] = ()
    question: str | None = None
    text: str = ""
    evidence: bool = False

    @property
    def small_talk(self) -> bool:
        return not self.updates and self.question is None

    def to_json(self) -> dict[str, Any]:
        return {
            "updates": [u.to_json() for u in self.updates],
            "needs": list(self.needs),
            "question": self.question,
        }


@dataclass
class _Segment:
    start: int
    end: int
    mention: Mention | None
    figure: Figure = field(default_factory=Figure)
    output: str | None = None


def _note(text: str, folded: str, start: int, end: int) -> str:
    """The part of the message about one task, without the joining words around it."""
    while True:
        before = (start, end)
        while start < end and text[start] in _SEGMENT_EDGES:
            start += 1
        while end > start and text[end - 1] in _SEGMENT_EDGES:
            end -= 1
        head = _JOIN_HEAD_RE.match(folded, start, end)
        if head is not None:
            start = head.end()
        tail = _JOIN_TAIL_RE.search(folded, start, end)
        if tail is not None:
            end = tail.start()
        if (start, end) == before:
            return text[start:end]


def _segments(text: str, folded: str, mentions: list[Mention]) -> list[_Segment]:
    if not mentions:
        return [_Segment(0, len(text), None)]
    segments = []
    for i, mention in enumerate(mentions):
        start = 0 if i == 0 else mention.start
        end = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        segments.append(_Segment(start, end, mention))
    for segment in segments:
        piece = folded[segment.start : segment.end]
        segment.figure = read_figure(piece)
        segment.output = find_outputs(text[segment.start : segment.end], piece)
    # "số 7 và số 8 đều xong": a mention with nothing of its own shares the next one's figure.
    for i in range(len(segments) - 2, -1, -1):
        here, after = segments[i], segments[i + 1]
        if not here.figure.said_anything and here.output is None:
            here.figure, here.output = after.figure, after.output
    # "đã ban hành KH số 20/KH-UBND, nhiệm vụ 3": a figure before the first mention is its own.
    return segments


def _resolve(mention: Mention | None, index: TaskIndex | None) -> tuple[list[int], str | None]:
    """Task numbers a mention stands for (codes resolved through the index)."""
    if mention is None:
        return [], None
    numbers = list(mention.numbers)
    code = mention.codes[0] if mention.codes else None
    for typed in mention.codes:
        if index is not None:
            numbers.extend(n for n in index.by_code(typed) if n not in numbers)
    return numbers, code


def _question(folded: str) -> str | None:
    if _MY_TASKS_Q_RE.search(folded):
        return QUESTION_MY_TASKS
    if _DEADLINE_Q_RE.search(folded):
        return QUESTION_DEADLINE
    return None


def read_message(
    text: str | None,
    tasks: Sequence[TaskRef] | TaskIndex | None = None,
    *,
    reply_tasks: Iterable[int] = (),
    caption: bool = False,
) -> Reading:
    """Read ``text`` against the person's ``tasks``.

    ``reply_tasks`` are the task numbers of the bot message being replied to
    (one: that task; several: the candidates); ``caption`` says the text is
    the caption of a file, so it is evidence even without evidence words.
    """
    text = clean(text)
    index = tasks if isinstance(tasks, TaskIndex) else (TaskIndex(tasks) if tasks else None)
    reply = tuple(dict.fromkeys(reply_tasks))
    if not text:
        if caption:
            return _finish(text, [_draft(reply, text, Figure(), None, True)], None, True)
        return Reading(text=text)
    folded = fold(text)
    evidence = caption or _EVIDENCE_RE.search(folded) is not None
    mentions = find_mentions(folded, index.codes if index else ())
    question = _question(folded)
    if question is not None:
        refs: list[UpdateDraft] = []
        for mention in mentions:
            numbers, code = _resolve(mention, index)
            refs.extend(UpdateDraft(n, note=text, code=code, named=True) for n in numbers)
        if question == QUESTION_DEADLINE and not refs:
            refs.append(_draft(reply, text, Figure(), None, False, index=index, folded=folded))
        return _finish(text, refs, question, evidence)

    drafts: list[UpdateDraft] = []
    for segment in _segments(text, folded, mentions):
        note = text if len(mentions) <= 1 else _note(text, folded, segment.start, segment.end)
        numbers, code = _resolve(segment.mention, index)
        if segment.mention is None:
            figure = read_figure(folded)
            output = find_outputs(text, folded)
            said = figure.said_anything or output is not None or evidence
            if not said:
                return Reading(text=text)  # small talk
            drafts.append(_draft(reply, note, figure, output, evidence, index=index, folded=folded))
            continue
        if not numbers or (code is not None and len(numbers) > 1 and not segment.mention.numbers):
            # a code not in the person's plan, or one that covers several tasks: ask which
            drafts.append(
                _from_figure(
                    None,
                    note,
                    segment.figure,
                    segment.output,
                    evidence,
                    code,
                    tuple(numbers),
                    named=True,
                )
            )
            continue
        for number in numbers:
            drafts.append(
                _from_figure(
                    number, note, segment.figure, segment.output, evidence, code, named=True
                )
            )
    return _finish(text, drafts, None, evidence)


def _from_figure(
    number: int | None,
    note: str,
    figure: Figure,
    output: str | None,
    evidence: bool,
    code: str | None = None,
    candidates: tuple[int, ...] = (),
    *,
    named: bool = False,
) -> UpdateDraft:
    percent, status, status_text = figure.percent, figure.status, figure.status_text
    if output is not None and status is None:
        # A document named with no figure: the product exists, the task is done.
        percent, status = 100, "done"
    return UpdateDraft(
        named=named,
        task_number=number,
        percent=percent,
        status=status,
        status_text=status_text,
        output=output,
        note=note,
        candidates=candidates,
        code=code,
        conflict=figure.conflict,
        asks_figure=figure.asks_figure,
        invalid=figure.invalid,
        evidence=evidence,
    )


_NOT_TITLE_RE = lazy_compile(
    r"\b(?:da|vua|moi|dang|chua|se)\s+(?:ban\s*hanh|thuc hien|trien khai|to chuc|xay dung"
    r"|hoan thanh|lam|xong|co)\b"
)


def _title_words(folded: str) -> str:
    """The folded text minus status phrases and named documents: only what may be a title."""
    return _NOT_TITLE_RE.sub(" ", DOC_RE.sub(" ", folded))


def _draft(
    reply: tuple[int, ...],
    note: str,
    figure: Figure,
    output: str | None,
    evidence: bool,
    *,
    index: TaskIndex | None = None,
    folded: str = "",
) -> UpdateDraft:
    """A draft for a message that names no task: the replied-to task, or the title words."""
    if len(reply) == 1:
        return _from_figure(reply[0], note, figure, output, evidence)
    fitting = index.by_title(_title_words(folded), among=reply or None) if index is not None else []
    if len(fitting) == 1:
        return _from_figure(fitting[0], note, figure, output, evidence)
    return _from_figure(None, note, figure, output, evidence, candidates=tuple(fitting or reply))


def _finish(text: str, drafts: list[UpdateDraft], question: str | None, evidence: bool) -> Reading:
    needs: list[str] = []
    if question == QUESTION_MY_TASKS:
        return Reading(tuple(drafts), (), question, text, evidence)
    if any(d.task_number is None for d in drafts):
        needs.append("task")
    if question is None and any(
        d.conflict or d.asks_figure or d.invalid or not (d.has_figure or d.evidence) for d in drafts
    ):
        needs.append("percent")
    if question is None and drafts and all(d.output is not None for d in drafts):
        drafts = [d if d.status is not None else replace(d, status="done") for d in drafts]
    return Reading(tuple(drafts), tuple(needs), question, text, evidence)

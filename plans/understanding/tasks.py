"""Which task a message is about.

In order of trust: what the officer named ("số 10", "nv10", "NV 10",
"nhiệm vụ 10", "#10", a plan code "3.2.1", lists "nhiệm vụ 3 và 4"), then
the message they replied to (the chat passes its tasks in), then words of a
task title ("kế hoạch tuyên truyền", "rà soát TTHC") matched against the
person's own tasks without diacritics and with typos forgiven (rapidfuzz).
A title match is only trusted when exactly one task fits clearly; two or
more close candidates are returned so the chat can list just those.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from plans.numbers import MAX_TASK_NUMBER
from plans.regex import lazy_compile
from plans.understanding.fold import fold

__all__ = ["Mention", "TaskIndex", "TaskRef", "find_mentions"]


@dataclass(frozen=True, slots=True)
class TaskRef:
    """One of the person's tasks, as the reader needs it (``--tasks`` JSON rows)."""

    number: int
    code: str | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A task named in the text: numbers and/or plan codes, and where it was written."""

    start: int
    end: int
    numbers: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()


_TERMINATOR = r"(?![\d/%]|[.,]\d|\s*(?:%|phan\s*tram\b))"
_KEYWORD = r"(?:\bnhiem\s*vu|\bnhiemvu|\bnvu|\bnv|\bso|\bviec|\bmuc|\btask|#)"
_NUMBER = r"(\d{1,6}(?:\.\d{1,2}){0,3})"
_MENTION_RE = lazy_compile(_KEYWORD + r"\s*[.:\-]?\s*(?:so\s*)?" + _NUMBER + _TERMINATOR)
_MORE_RE = lazy_compile(
    r"\s*(?:,|\bva\b|&|\+|\bvoi\b)\s*(?:(?:nhiem\s*vu|nv|so)\s*|#)?" + _NUMBER + _TERMINATOR
)
_BARE_CODE_RE = lazy_compile(r"(?<![\d.,/])(\d{1,2}(?:\.\d{1,2}){1,3})" + _TERMINATOR)
_LEADING_NUMBER_RE = lazy_compile(r"^\s*(\d{1,3})\s*[:)\-]\s")
_DOC_BEFORE_RE = lazy_compile(
    r"\b(?:ke hoach|quyet dinh|bao cao|cong van|thong bao|to trinh|nghi quyet|chi thi|huong dan"
    r"|van ban|bien ban|kh|qd|bc|cv|tb|vb|ho|dien thoai|sdt|phong)\s*$"
)


def _split_ref(raw: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    if "." in raw:
        return (), (raw,)
    value = int(raw)
    if 0 < value <= MAX_TASK_NUMBER:
        return (value,), ()
    return (), ()


def find_mentions(folded: str, codes: Iterable[str] = ()) -> list[Mention]:
    """Every task named in ``folded`` text, in order; bare codes only if they are plan codes."""
    known_codes = {c.strip(". ") for c in codes if c}
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for match in _MENTION_RE.finditer(folded):
        if taken and match.start() < taken[-1][1]:
            continue  # already part of a list ("số 7 và số 8")
        if match.group(0).startswith("so") and _DOC_BEFORE_RE.search(folded[: match.start()]):
            continue  # "Quyết định số 12": a document number, not a task
        numbers, found_codes = _split_ref(match.group(1))
        end = match.end()
        while more := _MORE_RE.match(folded, end):
            n, c = _split_ref(more.group(1))
            numbers += n
            found_codes += c
            end = more.end()
        if numbers or found_codes:
            found.append(Mention(match.start(), end, numbers, found_codes))
            taken.append((match.start(), end))
    if known_codes:
        for match in _BARE_CODE_RE.finditer(folded):
            if any(s <= match.start() < e for s, e in taken):
                continue
            code = match.group(1)
            if code in known_codes or any(k.startswith(code + ".") for k in known_codes):
                found.append(Mention(match.start(), match.end(), (), (code,)))
    if not found:
        leading = _LEADING_NUMBER_RE.match(folded)
        if leading is not None:
            numbers, _ = _split_ref(leading.group(1))
            if numbers:
                found.append(Mention(leading.start(1), leading.end(1), numbers, ()))
    found.sort(key=lambda m: m.start)
    return found


# Words that say nothing about which task: fillers, pronouns, figure and status words.
_STOP = frozenset(
    """
    a ah ak anh chi em oi ok oke nhe nha nhé roi r da dang duoc dat xong hoan thanh tat
    thuc hien lam cua cac nhung va ve la thi ma nay do toi minh cho voi o
    tren duoi trong ngoai mot hai ba bon nam sau bay tam muoi tram phan tu nua
    gan sap chua co khong gi nao nhiem vu nv so viec muc tien do con moi vua se du kien
    vay nhi day kia sep a. bac thua da duoc khoang len theo cung van rat qua
    nhe. nhe, ket qua minh chung kiem chung file anh hinh gui kem tai lieu dinh
    """.split()
)
_TOKEN_RE = lazy_compile(r"[a-z]+")
_MIN_WORD_SCORE = 85.0
_CLEAR_MARGIN = 0.75


@dataclass
class TaskIndex:
    """The person's tasks, indexed once for lookups by number, code and title words."""

    tasks: Sequence[TaskRef]
    _by_number: dict[int, TaskRef] = field(init=False)
    _by_code: dict[str, TaskRef] = field(init=False)
    _vocab: list[str] = field(init=False)
    _postings: dict[str, set[int]] = field(init=False)
    _idf: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        self._by_number = {t.number: t for t in self.tasks}
        self._by_code = {t.code.strip(". "): t for t in self.tasks if t.code}
        postings: dict[str, set[int]] = {}
        for task in self.tasks:
            for word in set(_TOKEN_RE.findall(fold(task.title))):
                if word not in _STOP:
                    postings.setdefault(word, set()).add(task.number)
        self._postings = postings
        self._vocab = sorted(postings)
        count = max(1, len(self.tasks))
        self._idf = {w: math.log(1 + count / len(p)) for w, p in postings.items()}

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._by_code)

    def by_code(self, code: str) -> list[int]:
        """Task numbers for a typed code: exact, else the tasks under it ("3.2" → 3.2.1, 3.2.2)."""
        code = code.strip(". ")
        if code in self._by_code:
            return [self._by_code[code].number]
        return [t.number for c, t in self._by_code.items() if c.startswith(code + ".")]

    def by_title(self, folded: str, among: Iterable[int] | None = None) -> list[int]:
        """Tasks whose title the words fit: one clear winner, or the close candidates, or []."""
        allowed = set(among) if among is not None else None
        words = {w for w in _TOKEN_RE.findall(folded) if w not in _STOP and len(w) > 1}
        if not words or not self._vocab:
            return []
        from rapidfuzz import fuzz, process  # loads with the first title to match, not the bot

        scores: dict[int, float] = {}
        hits: dict[int, int] = {}
        for word in words:
            if len(word) <= 3:
                matches = [word] if word in self._postings else []
            else:
                matches = [
                    m[0]
                    for m in process.extract(
                        word,
                        self._vocab,
                        scorer=fuzz.ratio,
                        score_cutoff=_MIN_WORD_SCORE,
                        limit=3,
                    )
                ]
            numbers: dict[int, float] = {}
            for vocab_word in matches:
                for number in self._postings[vocab_word]:
                    numbers[number] = max(numbers.get(number, 0.0), self._idf[vocab_word])
            for number, weight in numbers.items():
                if allowed is not None and number not in allowed:
                    continue
                scores[number] = scores.get(number, 0.0) + weight
                hits[number] = hits.get(number, 0) + 1
        fitting = {n: s for n, s in scores.items() if hits[n] >= 2}
        if not fitting:
            return []
        best = max(fitting.values())
        close = sorted(
            (n for n, s in fitting.items() if s >= best * _CLEAR_MARGIN),
            key=lambda n: (-fitting[n], n),
        )
        return close

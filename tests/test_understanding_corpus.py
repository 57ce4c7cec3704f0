"""The reader measured on a corpus of real-sounding officer messages (issue 15).

tests/data/understanding_corpus.json holds messages as officers write them
(with and without diacritics, Zalo style, typos, several tasks, questions,
small talk), each with the reading a person would expect, against the task
list in tests/data/understanding_tasks.json. A message counts as read right
only when the whole JSON contract matches (every draft's task, percent,
status, output and note, the needs and the question). The test prints the
share per category and fails under 95% overall.

History, for honesty: the first 239 messages were written before the reader
was tuned and read 228/239 (95.4%) on the first run; the last 30 were written
afterwards without running the reader and read 29/30 on the first run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from plans.understanding import TaskIndex, TaskRef, read_message

DATA = Path(__file__).parent / "data"
CORPUS = json.loads((DATA / "understanding_corpus.json").read_text(encoding="utf-8"))
TASKS = [TaskRef(**row) for row in json.loads((DATA / "understanding_tasks.json").read_text())]
TARGET = 0.95


def expected(case: dict) -> dict:
    return {
        "updates": [{**u, "note": u.get("note", case["text"])} for u in case["updates"]],
        "needs": case["needs"],
        "question": case["question"],
    }


def score() -> tuple[dict[str, list[int]], list[str]]:
    index = TaskIndex(TASKS)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for case in CORPUS:
        got = read_message(case["text"], index, reply_tasks=case.get("reply_to", ())).to_json()
        right = got == expected(case)
        per[case["category"]][0] += right
        per[case["category"]][1] += 1
        if not right:
            misses.append(f"  {case['category']}: {case['text']!r}\n    got  {got}")
    return per, misses


def test_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 200
    assert len({c["category"] for c in CORPUS}) >= 10
    assert sum(c["text"].isascii() for c in CORPUS) >= 40  # written without diacritics


def test_corpus_is_read_right_at_least_95_percent() -> None:
    per, misses = score()
    right = sum(r for r, _ in per.values())
    total = sum(n for _, n in per.values())
    print("\nunderstanding corpus: per category")
    for category in sorted(per):
        r, n = per[category]
        print(f"  {category:<12} {r:>3}/{n:<3} {100 * r / n:5.1f}%")
    print(f"  {'overall':<12} {right:>3}/{total:<3} {100 * right / total:5.1f}%")
    if misses:
        print("misread:\n" + "\n".join(misses))
    assert right / total >= TARGET, f"{right}/{total} read right, below {TARGET:.0%}"

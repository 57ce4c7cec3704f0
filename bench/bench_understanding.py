"""How many officer messages per second does the reader understand, on one core?

Replays the corpus of tests/data/understanding_corpus.json (279 messages,
every category, with and without diacritics) through
:func:`plans.understanding.read_message`, the reader behind the chat and
``cchc-bot parse-update``, against the corpus task list indexed once (as the
chat does per person). Target (issue 15): at least 2,000 messages/s.
Prints figures; asserts nothing. Run: python -m bench.bench_understanding
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from plans.understanding import TaskIndex, TaskRef, read_message

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def main(rounds: int = 7, repeat: int = 8) -> None:
    corpus = json.loads((DATA / "understanding_corpus.json").read_text(encoding="utf-8"))
    tasks = [TaskRef(**row) for row in json.loads((DATA / "understanding_tasks.json").read_text())]
    messages = [(c["text"], tuple(c.get("reply_to", ()))) for c in corpus] * repeat
    index = TaskIndex(tasks)
    for text, reply in messages[: len(corpus)]:  # warm the caches once
        read_message(text, index, reply_tasks=reply)
    rates = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for text, reply in messages:
            read_message(text, index, reply_tasks=reply)
        rates.append(len(messages) / (time.perf_counter() - t0))
    t0 = time.perf_counter()
    for _ in range(200):
        TaskIndex(tasks)
    index_ms = (time.perf_counter() - t0) / 200 * 1000
    print(f"understanding: {len(messages)} messages x {rounds} rounds, one core")
    print(
        f"understanding: median {statistics.median(rates):,.0f} messages/s "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f}); target >= 2,000/s"
    )
    print(f"understanding: index of {len(tasks)} tasks built in {index_ms:.2f} ms")


if __name__ == "__main__":
    main()

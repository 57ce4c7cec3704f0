"""Understanding officers' plain Vietnamese (issue 15).

``read_message(text, tasks, reply_tasks=...)`` → :class:`Reading`: update
drafts (which task, how far, what came out), what the chat must still ask,
or a question. Pure and fast; the chat (handlers/updates.py) and
``cchc-bot parse-update`` call the same function. Measured on the corpus in
tests/data/understanding_corpus.json (tests/test_understanding_corpus.py)
and benchmarked in bench/bench_understanding.py.
"""

from plans.understanding.figures import ALMOST_DONE_OFFERS, Figure, read_figure
from plans.understanding.fold import clean, fold
from plans.understanding.reader import (
    QUESTION_DEADLINE,
    QUESTION_MY_TASKS,
    Reading,
    UpdateDraft,
    read_message,
)
from plans.understanding.tasks import TaskIndex, TaskRef

__all__ = [
    "ALMOST_DONE_OFFERS",
    "QUESTION_DEADLINE",
    "QUESTION_MY_TASKS",
    "Figure",
    "Reading",
    "TaskIndex",
    "TaskRef",
    "UpdateDraft",
    "clean",
    "fold",
    "read_figure",
    "read_message",
]

"""A SQLite connection that lets go of its lock when it is closed mid-transaction.

Closing a ``sqlite3`` connection while some cursor still holds an unfinished
statement does not close it: SQLite keeps it as a "zombie", transaction and
write lock included, until that statement is freed. SQLAlchemy closes a
connection without rolling back when it invalidates it, which it does when a
task is cancelled inside a transaction (a failed outbox batch cancels the
sends still recording). The cursor then lives in the cancelled task's
traceback until the garbage collector reaches it, and every other writer
waited out its 15 s busy time-out and failed with "database is locked":
5 failures in 60 runs of the dispatcher's failed-batch test on a loaded
machine, none after this. Rolling back first ends the transaction whatever
still points at the statement.
"""

from __future__ import annotations

import sqlite3


class RollbackOnClose(sqlite3.Connection):
    """``sqlite3.connect(..., factory=RollbackOnClose)``: close() rolls back first."""

    def close(self) -> None:
        try:
            if self.in_transaction:
                self.rollback()
        except sqlite3.Error:
            pass  # already closed, or the disk is gone: closing is all that is left
        super().close()

"""Errors that are the user's to fix, carried as a catalog key plus parameters.

Any layer may raise :class:`UserError`; only the edges (a handler, the CLI)
turn it into words, in the reader's language, with ``locales.t``.
"""

from __future__ import annotations


class UserError(Exception):
    """A refusal or a bad input, explained to the person by a catalog message."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"

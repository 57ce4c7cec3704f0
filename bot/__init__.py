"""The composition root: settings in, a running Application out, and the ``cchc-bot`` CLI.

Importing this package first hides two optional libraries from
python-telegram-bot while ``telegram`` loads (see :func:`_import_telegram_lean`).
"""

from __future__ import annotations

import sys

#: Optional libraries PTB imports at start whenever they are installed, for features this
#: bot never uses: cryptography (≈ 10 MiB of OpenSSL bindings) only decrypts Telegram
#: Passport data, tornado (≈ 3 MiB) only serves PTB's own webhook server, which
#: ``bot.webhook_server`` replaces. pdfminer.six (pdfplumber) installs cryptography for
#: encrypted PDFs, so it is on every machine that runs the bot.
UNUSED_BY_PTB = ("cryptography", "tornado")


def _import_telegram_lean() -> None:
    """Import ``telegram`` and ``telegram.ext`` with :data:`UNUSED_BY_PTB` hidden.

    A ``None`` in ``sys.modules`` makes an import raise ImportError, the case PTB
    handles as "not installed". The entries are removed again at once, so the PDF reader
    can still import cryptography when a protected PDF needs it. Nothing is hidden when
    telegram is already loaded (a test run, the sandbox) or when a library is already
    imported: then there is nothing to save.
    """
    if "telegram" in sys.modules:
        return
    hidden = [name for name in UNUSED_BY_PTB if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # None: "cannot be imported"
    try:
        import telegram.ext  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


_import_telegram_lean()

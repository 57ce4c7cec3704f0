"""The composition root: settings in, a running Application out, and the ``cchc-bot`` CLI.

Importing this package first hides a few optional modules from
python-telegram-bot and httpx while ``telegram`` loads (see
:func:`_import_telegram_lean`), with the cyclic garbage collector paused
(:func:`startup_phase`).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: Optional modules imported at start whenever their libraries are installed, for
#: features this bot never uses: cryptography (≈ 10 MiB of OpenSSL bindings) only decrypts
#: Telegram Passport data, tornado (≈ 3 MiB) only serves PTB's own webhook server, which
#: ``bot.webhook_server`` replaces, and ``httpx._main`` is httpx's command-line client,
#: which imports click, rich and pygments where they are installed (every development
#: machine: ≈ 0.2 s of CPU per start). pdfminer.six (pdfplumber) installs cryptography for
#: encrypted PDFs, so it is on every machine that runs the bot.
UNUSED_BY_PTB = ("cryptography", "tornado", "httpx._main")


@contextmanager
def startup_phase() -> Iterator[None]:
    """Build what lives as long as the process with the cyclic garbage collector paused.

    Start-up imports some 900 modules and builds the ORM mapping, the handlers
    and the catalogs: hundreds of thousands of objects that are never freed.
    While they pile up, the collector ran about 300 times and walked them again
    and again to find almost nothing (≈ 1,700 unreachable objects in all), a
    sixth of the CPU before the first ``getUpdates`` (``bench.bench_startup``).
    At the end ``gc.freeze()`` moves everything alive to the permanent
    generation, so the collector, back on, does not walk it all once more
    either: frozen objects are still freed by reference count, only a cycle
    among them is never collected (start-up's few hundred KiB of cyclic garbage
    stay). Used where that is true: this package's import of ``telegram``, the
    CLI module's imports (once per process) and ``cchc-bot run`` up to its
    built Application. The collector comes back on only if it was on before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _import_telegram_lean() -> None:
    """Import ``telegram`` and ``telegram.ext`` with :data:`UNUSED_BY_PTB` hidden.

    A ``None`` in ``sys.modules`` makes an import raise ImportError, the case PTB
    (and httpx) handle as "not installed". The entries are removed again at once, so the
    PDF reader can still import cryptography when a protected PDF needs it. Nothing is
    hidden when telegram is already loaded (a test run, the sandbox) or when a module is
    already imported: then there is nothing to save.
    """
    if "telegram" in sys.modules:
        return
    hidden = [name for name in UNUSED_BY_PTB if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # None: "cannot be imported"
    try:
        with startup_phase():
            import telegram.ext  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


_import_telegram_lean()

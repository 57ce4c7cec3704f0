"""``python -m locales``: write every language's compiled catalog (see :mod:`locales`)."""

from __future__ import annotations

from locales import SUPPORTED_LANGUAGES, compile_catalog

for language in SUPPORTED_LANGUAGES:
    print(compile_catalog(language))

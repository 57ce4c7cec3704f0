"""The Mini App dashboard: a read-only view of the chairman's and the district's figures.

Telegram opens ``webapp/static/index.html`` inside the chat; the page calls a
small JSON API (:mod:`webapp.server`) with the Mini App's signed init data in
``Authorization: tma <initData>`` (:mod:`webapp.initdata`). Who may see what
is decided once, in :mod:`webapp.access`, by the same rules as the chat
commands, and every figure comes from :mod:`storage.reports` — this package
only shapes those figures for a phone screen (:mod:`webapp.payload`,
:mod:`webapp.svg`). Nothing here imports ``telegram``: the chat buttons that
open the dashboard live in :mod:`handlers.webapp`.
"""

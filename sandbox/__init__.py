"""Tools for trying the bot without Telegram: the fake Bot API, the harness, the demo.

Kept out of ``bot/`` (settings, assembly and CLI only) so the production
process never imports them; tests, benchmarks and ``cchc-bot demo`` do.
"""

"""What every Telegram-side layer shares: settings, the typed context, callback data.

It sits below ``handlers`` and ``scheduler`` (and above ``storage``), so both
can depend on it without depending on each other or on the composition root
in ``bot/``.
"""

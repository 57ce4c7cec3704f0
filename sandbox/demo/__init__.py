"""``cchc-bot demo``: try the bot in a terminal, with no token and no network.

``seed`` creates xã Vĩnh Khê and loads its 2024 plan (shipped in ``data/``),
``terminal`` plays the Telegram app, ``run`` starts everything and reads input.
"""

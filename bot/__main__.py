"""``python -m bot`` is the same as the ``cchc-bot`` console script."""

import sys

from bot.cli import main

sys.exit(main())

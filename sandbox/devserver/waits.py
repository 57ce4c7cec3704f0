"""How long the fake server's helpers wait for the bot by default.

Every wait is event-driven (it returns the moment the bot's call arrives), so
a long bound costs nothing when the bot answers; it only decides how slow a
machine may be before a test calls the bot silent. 5 s was too tight for a
2-core machine running the suite in several workers under other load: a
first reply of a process also imports the reader's libraries (dateparser,
rapidfuzz) and warms its caches, and two such replies timed out at load 10–13
while the bot was answering.
"""

from __future__ import annotations

DEFAULT_WAIT_SECONDS = 20.0

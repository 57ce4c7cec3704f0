"""A free loopback port for servers a test must name before they start (webhooks, PostgreSQL).

The fake Bot API and the dashboard bind port 0 themselves; only a URL that has
to be known in advance needs this. The port is free when asked for; another
process could take it before the server binds it, which the kernel's choice
among ~28,000 ephemeral ports makes unlikely even with parallel workers.
"""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

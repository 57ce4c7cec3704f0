"""The HTTP clients that speak to the Bot API, sharing one TLS context per process.

Every PTB ``HTTPXRequest`` makes its own httpx client, and every client builds
a TLS context by loading the whole certifi bundle: about 0.1 s of CPU each. A
start made four of them (the Telegram probe's bot and the Application, each
with a client for ``getUpdates`` and one for everything else), nearly a third
of the time to the first ``getUpdates``. The context is the same for all of
them (httpx's own default: certifi, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``),
so it is built once. Pool sizes are PTB's own defaults.
"""

from __future__ import annotations

import functools
import ssl

import httpx
from telegram.request import HTTPXRequest

#: PTB's defaults: many concurrent sends, one long poll.
SEND_POOL_SIZE = 256
GET_UPDATES_POOL_SIZE = 1


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default verifying context, built on first use and shared."""
    return httpx.create_ssl_context()


def bot_request(*, get_updates: bool = False) -> HTTPXRequest:
    """A request object as PTB's builder would make it, on the shared TLS context."""
    return HTTPXRequest(
        connection_pool_size=GET_UPDATES_POOL_SIZE if get_updates else SEND_POOL_SIZE,
        httpx_kwargs={"verify": tls_context()},
    )

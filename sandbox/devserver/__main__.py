"""Run the fake Bot API server by hand: ``python -m sandbox.devserver --port 8081``."""

from __future__ import annotations

import argparse
import asyncio
import logging

from sandbox.devserver.limits import Limits
from sandbox.devserver.server import DEFAULT_TOKEN, FakeBotApi


async def serve(args: argparse.Namespace) -> None:
    limits = Limits() if not args.no_limits else Limits.off()
    async with FakeBotApi(args.token, host=args.host, port=args.port, limits=limits) as api:
        print(f"fake Bot API on {api.base_url}  (token {api.token})", flush=True)
        print(f"files on {api.base_file_url}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.devserver", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--no-limits", action="store_true", help="disable flood limits")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

"""``python -m sandbox.devserver`` runs the fake Bot API for manual use."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]


async def test_command_line_entry_point_serves_the_api():
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox.devserver",
        "--port",
        "0",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        # "fake Bot API on http://127.0.0.1:PORT/bot  (token 123:abc)"
        base_url = line.split()[4]
        token = line.split("(token ")[1].rstrip(")\n")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base_url}{token}/getMe") as response:
                body = await response.json()
        assert body["ok"] and body["result"]["is_bot"]
    finally:
        process.terminate()
        await process.wait()

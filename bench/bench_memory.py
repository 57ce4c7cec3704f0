"""Memory and start-up of the real ``cchc-bot run`` process, with people registered.

A fake Bot API runs in this process (Telegram's limits on); the bot is a real
child process (``sys.executable -m bot run``, long polling) on a migrated
SQLite file holding a small province (:mod:`bench.province` at 1/15 scale:
10 communes, 200 people with Telegram ids, 667 tasks).  Figures (issue 17):

- start-up to the first ``getUpdates`` (the bot answers users from then on):
  wall time, and the child's CPU time (user + system) by then, which a loaded
  machine inflates less; and how many ``setMyCommands`` calls it made before;
- idle RSS: the child's ``VmRSS`` once the first scheduler tick has written
  its heartbeat (the tick runs a second after start) and the process settled;
- the heavy libraries loaded at that point (read from the child's memory map:
  a shared object of matplotlib, numpy, lxml, PIL… means the library is in);
- the peak (``VmHWM``) after a chairman's ``/baocao 2024-H1`` (.docx + .xlsx) and
  ``/bieudo 2024-H1`` (a PNG; the data is of 2024), and ``VmRSS`` right after them.

RSS figures are exact for one run and barely move between runs; timings are
noisy on a shared machine (median of ``--runs``).  Asserts nothing.

Run: python -m bench.bench_memory [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bot_process import start_bot
from bench.province import CHAIRMAN_TG, populate
from sandbox.devserver import FakeBotApi
from storage.db import Database
from storage.migrate import upgrade_async

SCALE = 1 / 15  # 200 people: the "≈ 7 s of setMyCommands for 200 people"
HEAVY = ("matplotlib", "numpy", "PIL", "lxml", "openpyxl", "docx", "rapidfuzz", "segno")


def _status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM of a process, in KiB."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (less noisy than wall time under load)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _heavy_loaded(pid: int) -> list[str]:
    """Heavy libraries whose compiled parts are mapped into the process."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [name for name in HEAVY if f"/{name}/" in maps or f"/{name}." in maps]


def _ticked(path: Path) -> bool:
    try:
        with sqlite3.connect(path) as conn:
            row = conn.execute(
                "SELECT count(*) FROM scheduler_state WHERE key LIKE 'tick:last:%'"
            ).fetchone()
            return bool(row and row[0])
    except sqlite3.Error:
        return False


async def _until(predicate: Any, timeout: float, step: float = 0.05) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not get there in time")
        await asyncio.sleep(step)


async def _once(api: FakeBotApi, db_file: Path, commands: bool) -> dict[str, Any]:
    with sqlite3.connect(db_file) as conn:
        conn.execute("DELETE FROM scheduler_state WHERE key LIKE 'tick:last:%'")
    before = len(api.state.calls)
    started = time.perf_counter()
    proc = await start_bot(api, f"sqlite+aiosqlite:///{db_file}", stderr=asyncio.subprocess.DEVNULL)
    try:

        def calls() -> list[str]:
            return [m.lower() for m, _ in api.state.calls[before:]]

        await api.wait_until(lambda: "getupdates" in calls(), 120)
        ready = time.perf_counter() - started
        cpu = _cpu_seconds(proc.pid)
        seen = calls()
        menus_before = seen[: seen.index("getupdates")].count("setmycommands")
        await _until(lambda: _ticked(db_file), 120)
        await asyncio.sleep(1.0)  # settle: the tick's last sends, the allocator
        idle = _status(proc.pid)
        result: dict[str, Any] = {
            "ready_s": ready,
            "ready_cpu_s": cpu,
            "menus_before_ready": menus_before,
            "idle_rss_mib": idle["VmRSS"] / 1024,
            "idle_hwm_mib": idle["VmHWM"] / 1024,
            "heavy_loaded_idle": _heavy_loaded(proc.pid),
        }
        if commands:
            chairman = api.add_user("Chủ tịch", user_id=CHAIRMAN_TG)
            for text, done in (
                ("/baocao 2024-H1", lambda m: (m.text or "").startswith("✅")),
                ("/bieudo 2024-H1", lambda m: bool(m.photo) or bool(m.document)),
            ):
                api.user_sends_text(chairman, None, text)
                try:
                    await api.wait_for_bot_message(chairman.id, done, timeout=120)
                except TimeoutError:
                    said = [m.text for m in api.bot_messages(chairman.id)]
                    raise RuntimeError(f"{text}: no answer; the bot said {said}") from None
            await asyncio.sleep(0.5)
            after = _status(proc.pid)
            result["commands_peak_mib"] = after["VmHWM"] / 1024
            result["commands_rss_mib"] = after["VmRSS"] / 1024
        result["menus_total"] = calls().count("setmycommands")
        proc.send_signal(signal.SIGTERM)
        await proc.wait()
        return result
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _prepare(db_file: Path) -> None:
    url = f"sqlite+aiosqlite:///{db_file}"
    await upgrade_async(url)
    db = Database(url)
    try:
        await populate(db, SCALE)
    finally:
        await db.dispose()


async def _run(runs: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="cchc-memory-"))
    try:
        db_file = folder / "bot.sqlite3"
        await _prepare(db_file)
        async with FakeBotApi() as api:
            samples = [await _once(api, db_file, commands=True) for _ in range(runs)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    out: dict[str, Any] = {"runs": runs, "people": round(3000 * SCALE)}
    for key in samples[0]:
        values = [s[key] for s in samples if key in s]
        out[key] = statistics.median(values) if isinstance(values[0], int | float) else values[-1]
    out["load_avg_1m"] = os.getloadavg()[0]
    return out


def run(runs: int = 3) -> dict[str, Any]:
    return asyncio.run(_run(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    result = run(parser.parse_args().runs)
    for key, value in result.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:<22}{shown:>12}")


if __name__ == "__main__":
    main()

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
  ``/bieudo 2024-H1`` (a PNG; the data is of 2024), and ``VmRSS`` right after them;
- the render worker's own peak (core/offload.py: the bot's spawned child) and
  the other helper processes' RSS (multiprocessing's resource tracker);
- each command's answer time: the first ``/baocao`` (cold: the worker starts and
  imports the writers), ``/bieudo``, then ``/baocao`` again (warm worker).

Every figure twice: the bot as shipped, and with ``RENDER_IN_WORKER=false``
(everything written in the bot, as before the worker): keys ``inprocess_…``.

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

from bench.bot_process import cpu_seconds, start_bot
from bench.figures import print_figures
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


def _heavy_loaded(pid: int) -> list[str]:
    """Heavy libraries whose compiled parts are mapped into the process."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [name for name in HEAVY if f"/{name}/" in maps or f"/{name}." in maps]


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the render worker, multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _render_worker(pid: int) -> int | None:
    """The bot's render worker (core/offload.py): its spawned child, not the resource tracker."""
    for child in _children(pid):
        try:
            cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            return child
    return None


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


async def _once(
    api: FakeBotApi, db_file: Path, commands: bool, in_worker: bool = True
) -> dict[str, Any]:
    with sqlite3.connect(db_file) as conn:
        conn.execute("DELETE FROM scheduler_state WHERE key LIKE 'tick:last:%'")
    before = len(api.state.calls)
    started = time.perf_counter()
    proc = await start_bot(
        api,
        f"sqlite+aiosqlite:///{db_file}",
        stderr=asyncio.subprocess.DEVNULL,
        settings={"RENDER_IN_WORKER": "true" if in_worker else "false"},
    )
    try:

        def calls() -> list[str]:
            return [m.lower() for m, _ in api.state.calls[before:]]

        await api.wait_until(lambda: "getupdates" in calls(), 120)
        ready = time.perf_counter() - started
        cpu = cpu_seconds(proc.pid)
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
            report = ("/baocao 2024-H1", lambda m: (m.text or "").startswith("✅"))
            chart = ("/bieudo 2024-H1", lambda m: bool(m.photo) or bool(m.document))
            for key, (text, done) in (
                ("report_cold_s", report),  # starts the render worker (or imports the writers)
                ("chart_s", chart),
                ("report_warm_s", report),
            ):
                # Telegram's private-chat limit (1 message/s, a burst of 3) on the fake API too:
                # let its bucket refill, so no answer time includes the previous command's sends
                await asyncio.sleep(3.5)
                seen_before = len(api.bot_messages(chairman.id))
                sent_at = time.perf_counter()
                api.user_sends_text(chairman, None, text)
                try:
                    await api.wait_until(
                        lambda done=done, n=seen_before: any(
                            done(m) for m in api.bot_messages(chairman.id)[n:]
                        ),
                        120,
                    )
                except TimeoutError:
                    said = [m.text for m in api.bot_messages(chairman.id)]
                    raise RuntimeError(f"{text}: no answer; the bot said {said}") from None
                result[key] = time.perf_counter() - sent_at
            await asyncio.sleep(0.5)
            after = _status(proc.pid)
            result["heavy_loaded_after"] = _heavy_loaded(proc.pid)
            worker = _render_worker(proc.pid)
            if worker is not None:
                result["worker_peak_mib"] = _status(worker)["VmHWM"] / 1024
                result["worker_rss_mib"] = _status(worker)["VmRSS"] / 1024
            result["helpers_rss_mib"] = (
                sum(_status(pid)["VmRSS"] for pid in _children(proc.pid) if pid != worker) / 1024
            )  # multiprocessing's resource tracker
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
            # the bot as shipped (render worker), then as before it (RENDER_IN_WORKER=false),
            # alternating so a change in the machine's load touches both alike
            samples: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
            for _ in range(runs):
                for in_worker in (True, False):
                    samples[in_worker].append(
                        await _once(api, db_file, commands=True, in_worker=in_worker)
                    )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    out: dict[str, Any] = {"runs": runs, "people": round(3000 * SCALE)}
    for in_worker, prefix in ((True, ""), (False, "inprocess_")):
        for key in samples[in_worker][0]:
            values = [s[key] for s in samples[in_worker] if key in s]
            out[prefix + key] = (
                statistics.median(values) if isinstance(values[0], int | float) else values[-1]
            )
    out["load_avg_1m"] = os.getloadavg()[0]
    return out


def run(runs: int = 3) -> dict[str, Any]:
    return asyncio.run(_run(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    result = run(parser.parse_args().runs)
    print_figures(result)


if __name__ == "__main__":
    main()

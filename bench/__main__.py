"""``python -m bench [--quick] [--big] [--postgres]``: every benchmark, one table.

Each measurement runs in its own child process (``python -m bench --section
NAME``), so its peak RSS is its own and one section's caches do not flatter
the next.  Figures (issue 8):

- plan import: the fixture .docx/.xlsx and a generated 2,000-row workbook;
- planner tick at 1x, 10x (and 100x with ``--big``, SQLite only) of a province -- 1x =
  150 communes, 10,000 tasks, 3,000 people, 100,000 progress rows
  (:mod:`bench.province`): the 07:30 tick of a report-reminder day, the idle
  tick (nothing due, every 30 s all day), the 07:30 tick of the next day;
- chairman /tongquan and /baocao latency (median, p95) at 1x and 10x, end to
  end through the fake Bot API with the real Application;
- the Mini App's ``GET /api/overview`` at 1x over HTTP (median, p95; wall and CPU);
- fan-out of 2,000 digests through the fake server with Telegram's limits on,
  as a fraction of 30 messages/s (SQLite);
- startup: ``python -m bot run`` to its first getUpdates;
- memory: the real ``python -m bot run`` with 200 people registered -- idle RSS
  after the first tick, peak after a chairman's /baocao and /bieudo, start-up to
  the first getUpdates (wall and CPU) and the setMyCommands calls before it;
- peak RSS of each;

on SQLite, and on PostgreSQL too with ``--postgres`` (the server of
``BENCH_POSTGRES_URL`` or ``TEST_POSTGRES_URL``; a database is created per
measurement and dropped).  ``--quick`` (a few minutes): fewer samples and a
500-digest fan-out.  Asserts nothing; ``--json FILE`` keeps the raw figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARK = "BENCH-JSON:"


# --- child side: one measurement -------------------------------------------------------


def _section(name: str, scale: float, runs: int, backend: str) -> dict[str, Any]:
    if name == "import":
        from bench.bench_import import run

        return run(runs)
    if name == "planner":
        import asyncio

        from bench.planner_scale import measure

        return asyncio.run(measure(scale, backend))
    if name == "latency":
        import asyncio

        from bench.bench_latency import measure as latency

        return asyncio.run(latency(scale, runs, backend))
    if name == "webapp":
        import asyncio

        from bench.bench_webapp import measure as webapp

        return asyncio.run(webapp(scale, runs, backend))
    if name == "fanout":
        from bench.bench_fanout import run as fanout

        return fanout(runs)
    if name == "startup":
        from bench.bench_startup import run as startup

        return startup(runs)
    if name == "memory":
        from bench.bench_memory import run as memory

        return memory(runs)
    raise SystemExit(f"unknown section {name}")


def _child(args: argparse.Namespace) -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.ERROR)
    started = time.perf_counter()
    result = _section(args.section, args.scale, args.runs, args.backend)
    result["wall_s"] = time.perf_counter() - started
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(MARK + json.dumps(result, default=str), flush=True)


# --- parent side: run them all, print one table -----------------------------------------


def _run_child(section: str, *, scale: float = 1, runs: int = 1, backend: str = "sqlite") -> dict:
    cmd = [sys.executable, "-m", "bench", "--section", section, "--scale", str(scale)]
    cmd += ["--runs", str(runs), "--backend", backend]
    scaled = ("planner", "latency", "webapp")
    label = f"{section} {backend} x{scale:g}" if section in scaled else section
    print(f"… {label}", file=sys.stderr, flush=True)
    env = dict(os.environ, PTB_TIMEDELTA="1", PYTHONPATH=str(ROOT))
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
    return {"error": f"{section} failed (exit {done.returncode})"}


def machine(backends: list[str]) -> dict[str, str]:
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "ram": _ram(),
        "python": platform.python_version(),
        "os": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
    }
    if "postgres" in backends:
        info["postgresql"] = _pg_version()
    return info


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "?"


def _pg_version() -> str:
    import asyncio

    import asyncpg
    from sqlalchemy.engine import make_url

    from bench.province import postgres_url

    async def ask() -> str:
        base = make_url(postgres_url() or "")
        conn = await asyncpg.connect(
            user=base.username,
            password=base.password,
            host=base.host or "127.0.0.1",
            port=base.port or 5432,
            database=base.database or "postgres",
        )
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    try:
        return asyncio.run(ask())
    except Exception as exc:  # a figure to print, not a failure
        return f"unreachable ({exc})"


def _f(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    return f"{value}{unit}"


def collect(quick: bool, big: bool, backends: list[str]) -> dict[str, Any]:
    results: dict[str, Any] = {"quick": quick, "big": big}
    results["import"] = _run_child("import", runs=5 if quick else 15)
    scales = [1.0, 10.0] + ([100.0] if big else [])
    lat_runs = 5 if quick else 20
    for backend in backends:
        for s in scales if backend == "sqlite" else scales[:2]:  # 100x: SQLite only
            results[f"planner/{backend}/{s:g}"] = _run_child("planner", scale=s, backend=backend)
        for s in (1.0, 10.0):
            results[f"latency/{backend}/{s:g}"] = _run_child(
                "latency", scale=s, runs=lat_runs, backend=backend
            )
        results[f"webapp/{backend}/1"] = _run_child(
            "webapp", scale=1.0, runs=40 if quick else 150, backend=backend
        )
    results["fanout"] = _run_child("fanout", runs=500 if quick else 2000)
    results["startup"] = _run_child("startup", runs=2 if quick else 5)
    results["memory"] = _run_child("memory", runs=2 if quick else 3)
    return results


def table(results: dict[str, Any], backends: list[str]) -> list[str]:
    """One markdown table: a row per figure, a column per database."""
    rows: list[tuple[str, list[str]]] = []

    def per_backend(label: str, key: str, fn) -> None:  # type: ignore[no-untyped-def]
        cells = []
        for b in backends:
            r = results.get(key.format(b=b))
            cells.append("–" if not r or "error" in r else fn(r))
        rows.append((label, cells))

    def both(label: str, value: str) -> None:
        rows.append((label, [value] + ["(same)"] * (len(backends) - 1)))

    imp = results.get("import", {})
    if "error" not in imp:
        both(
            f"import: fixture .docx ({imp['fixture_docx_tasks']:.0f} tasks), median",
            _f(imp["fixture_docx_ms"], 1, " ms"),
        )
        both(
            f"import: fixture .xlsx ({imp['fixture_xlsx_tasks']:.0f} tasks), median",
            _f(imp["fixture_xlsx_ms"], 1, " ms"),
        )
        both(
            f"import: generated .xlsx, {imp['workbook_2000_tasks']:.0f} rows, median",
            _f(imp["workbook_2000_ms"], 0, " ms"),
        )
        both("import: peak RSS", _f(imp["peak_rss_mib"], 0, " MiB"))
    scales = [s for s in ("1", "10", "100") if any(f"planner/{b}/{s}" in results for b in backends)]
    for s in scales:
        key = "planner/{b}/" + s
        first = next((results[key.format(b=b)] for b in backends if key.format(b=b) in results), {})
        size = (
            f"{first.get('organizations', '?'):,} orgs / {first.get('tasks', 0):,} tasks / "
            f"{first.get('progress_rows', 0):,} updates"
            if "error" not in first
            else ""
        )
        per_backend(f"planner x{s}: fill ({size})", key, lambda r: _f(r["fill_s"], 1, " s"))
        per_backend(
            f"planner x{s}: 07:30 tick, report day (digests)",
            key,
            lambda r: f"{r['tick_0730_s']:.2f} s ({r['tick_0730_digests']:,})",
        )
        per_backend(
            f"planner x{s}: 07:30 tick per digest", key, lambda r: _f(r["per_digest_ms"], 3, " ms")
        )
        per_backend(
            f"planner x{s}: 07:30 tick per digest, process CPU (load average)",
            key,
            lambda r: f"{r['per_digest_cpu_ms']:.3f} ms ({r['load_avg']:.1f})",
        )
        per_backend(
            f"planner x{s}: 07:30 tick, next day (digests)",
            key,
            lambda r: f"{r['tick_next_day_s']:.2f} s ({r['tick_next_day_digests']:,})",
        )
        per_backend(
            f"planner x{s}: idle tick (nothing due), median of 10",
            key,
            lambda r: _f(r["tick_idle_ms"], 2, " ms"),
        )
        per_backend(f"planner x{s}: peak RSS", key, lambda r: _f(r["peak_rss_mib"], 0, " MiB"))
        per_backend(
            f"planner x{s}: peak RSS of the 07:30 ticks alone (RSS before them)",
            key,
            lambda r: (
                f"{r['tick_peak_rss_mib']:,.0f} MiB ({r['rss_before_tick_mib']:,.0f})"
                if "tick_peak_rss_mib" in r
                else "–"
            ),
        )
    for s in scales[1:]:
        for metric, label in (
            ("tick_0730_s", "07:30 tick"),
            ("per_digest_ms", "per digest"),
            ("tick_idle_ms", "idle tick"),
        ):
            cells = []
            for b in backends:
                hi, lo = results.get(f"planner/{b}/{s}"), results.get(f"planner/{b}/1")
                if not hi or not lo or "error" in hi or "error" in lo or not lo[metric]:
                    cells.append("–")
                else:
                    cells.append(f"{hi[metric] / lo[metric]:.1f}×")
            rows.append((f"growth x1 → x{s}: {label}", cells))
    for s in ("1", "10"):
        key = "latency/{b}/" + s
        for cmd in ("tongquan", "baocao"):
            per_backend(
                f"/{cmd} end to end x{s}: median / p95",
                key,
                lambda r, c=cmd: f"{r[c + '_median_ms']:.0f} / {r[c + '_p95_ms']:.0f} ms",
            )
        per_backend(f"latency x{s}: peak RSS", key, lambda r: _f(r["peak_rss_mib"], 0, " MiB"))
    per_backend(
        "Mini App GET /api/overview x1 over HTTP: median / p95 (CPU median / p95)",
        "webapp/{b}/1",
        lambda r: (
            f"{r['overview_median_ms']:.0f} / {r['overview_p95_ms']:.0f} ms "
            f"({r['overview_cpu_median_ms']:.0f} / {r['overview_cpu_p95_ms']:.0f} ms)"
        ),
    )
    fan = results.get("fanout", {})
    if "error" not in fan:
        rows.append(
            (
                f"fan-out {fan['sent']:,} digests: msg/s (fraction of 30/s)",
                [f"{fan['msgs_per_s']:.1f} ({fan['fraction_of_30']:.2f})"]
                + ["(SQLite only)"] * (len(backends) - 1),
            )
        )
        both("fan-out: lost / duplicated", f"{fan['lost']} / {fan['duplicated']}")
        both("fan-out: peak RSS", _f(fan["peak_rss_mib"], 0, " MiB"))
    up = results.get("startup", {})
    if "error" not in up:
        both("startup to first getUpdates: new DB (migrates)", _f(up["startup_new_db_s"], 2, " s"))
        both("startup to first getUpdates: migrated DB", _f(up["startup_migrated_db_s"], 2, " s"))
        both("shutdown after SIGTERM", _f(up["shutdown_s"], 2, " s"))
    mem = results.get("memory", {})
    if mem and "error" not in mem:
        people = mem["people"]
        both(
            f"bot process, {people} people: start-up to first getUpdates (CPU)",
            f"{mem['ready_s']:.2f} s ({mem['ready_cpu_s']:.2f} s)",
        )
        both(
            f"bot process, {people} people: setMyCommands before first getUpdates",
            str(mem["menus_before_ready"]),
        )
        both(
            f"bot process, {people} people: idle RSS after the first tick",
            _f(mem["idle_rss_mib"], 0, " MiB"),
        )
        both(
            "bot process: peak RSS after /baocao and /bieudo",
            _f(mem["commands_peak_mib"], 0, " MiB"),
        )
        if "worker_peak_mib" in mem:
            both(
                "render worker (core/offload.py): its own peak RSS, gone after 120 s idle",
                _f(mem["worker_peak_mib"], 0, " MiB"),
            )
        if "inprocess_commands_peak_mib" in mem:
            both(
                "bot process, RENDER_IN_WORKER=false: peak RSS after /baocao and /bieudo",
                _f(mem["inprocess_commands_peak_mib"], 0, " MiB"),
            )
        both(
            "/baocao answered: cold worker / warm (in-process: first / next)",
            f"{mem['report_cold_s']:.2f} / {mem['report_warm_s']:.2f} s"
            + (
                f" ({mem['inprocess_report_cold_s']:.2f} / {mem['inprocess_report_warm_s']:.2f} s)"
                if "inprocess_report_cold_s" in mem
                else ""
            ),
        )
    header = "| Measure | " + " | ".join(
        "SQLite" if b == "sqlite" else "PostgreSQL" for b in backends
    )
    lines = [header + " |", "|---|" + "---|" * len(backends)]
    lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]
    errors = [k for k, v in results.items() if isinstance(v, dict) and "error" in v]
    if errors:
        lines.append("")
        lines.append("Failed sections: " + ", ".join(errors))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples (a few minutes)")
    parser.add_argument("--big", action="store_true", help="also the 100x province")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--json", metavar="FILE", help="save the raw figures")
    parser.add_argument("--section", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="sqlite", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.section:
        _child(args)
        return
    from bench.province import postgres_url

    backends = ["sqlite"]
    if args.postgres or postgres_url():
        if postgres_url() is None:
            raise SystemExit("--postgres needs BENCH_POSTGRES_URL or TEST_POSTGRES_URL")
        backends.append("postgres")
    started = time.perf_counter()
    results = collect(args.quick, args.big, backends)
    elapsed = time.perf_counter() - started
    info = machine(backends)
    results["machine"] = info
    results["elapsed_s"] = elapsed
    mode = "quick" if args.quick else "full"
    print()
    print(
        f"cchc-bot benchmarks ({mode}{', big' if args.big else ''}) — {info['date']}; "
        + "; ".join(f"{k} {v}" for k, v in info.items() if k != "date")
    )
    print()
    for line in table(results, backends):
        print(line)
    print()
    print(f"whole run: {elapsed / 60:.1f} min")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()

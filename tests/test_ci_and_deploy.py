"""CI cannot pass by skipping, and the deployment files say what the README says
(issue 16 §10-11).

``.ci/run`` is executed for real by bash in a copy of the repository's layout
where ``make``, ``apt-get`` and ``scripts/start-postgres.sh`` are small
recording stand-ins: the script must stop when PostgreSQL does not start, must
hand ``make test`` a ``TEST_POSTGRES_URL`` and ``CI=true``, and must install
``python3-venv`` on a Debian that lacks it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pg_required import no_postgres

ROOT = Path(__file__).resolve().parent.parent


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/usr/bin/env bash\n" + body + "\n")
    path.chmod(0o755)


def _ci_tree(tmp_path: Path, start_postgres: str, *, python_has_venv: bool = True) -> Path:
    """A checkout with the real .ci/run and stand-ins for everything it calls."""
    tree = tmp_path / "repo"
    (tree / ".ci").mkdir(parents=True)
    (tree / "scripts").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tree / ".ci" / "run")
    _stub(tree / "scripts", "start-postgres.sh", start_postgres)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    _stub(bin_dir, "make", f'echo "make $* CI=$CI PG=${{TEST_POSTGRES_URL:-}}" >> {log}')
    _stub(bin_dir, "apt-get", f'echo "apt-get $*" >> {log}')
    _stub(bin_dir, "sudo", 'exec "$@"')
    _stub(bin_dir, "soffice", "exit 0")
    if not python_has_venv:  # Debian's python3 without python3-venv: ensurepip is missing
        _stub(
            bin_dir,
            "python3",
            f'case "$*" in *ensurepip*) exit 1;; esac\nexec {sys.executable} "$@"',
        )
    return tree


def _run_ci(tmp_path: Path, tree: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TEST_POSTGRES_URL")}
    env["PATH"] = f"{tmp_path / 'bin'}:{env['PATH']}"
    done = subprocess.run(
        ["bash", str(tree / ".ci" / "run")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    log = tmp_path / "calls.log"
    return done.returncode, log.read_text() if log.exists() else ""


def test_ci_stops_when_postgresql_does_not_start(tmp_path: Path) -> None:
    tree = _ci_tree(tmp_path, 'echo "initdb: cannot start" >&2; exit 1')
    code, calls = _run_ci(tmp_path, tree)
    assert code != 0
    assert "make" not in calls  # the tests never ran with PostgreSQL silently skipped


def test_ci_stops_when_no_url_is_printed(tmp_path: Path) -> None:
    tree = _ci_tree(tmp_path, "exit 0")
    code, calls = _run_ci(tmp_path, tree)
    assert code != 0 and "make" not in calls


def test_ci_runs_make_test_with_postgresql_and_ci_true(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:54329/postgres"
    tree = _ci_tree(tmp_path, f'echo "export TEST_POSTGRES_URL={url}"')
    code, calls = _run_ci(tmp_path, tree)
    assert code == 0, calls
    assert f"make test CI=true PG={url}" in calls.splitlines()


def test_ci_installs_python3_venv_on_a_bare_debian(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:54329/postgres"
    tree = _ci_tree(tmp_path, f'echo "export TEST_POSTGRES_URL={url}"', python_has_venv=False)
    code, calls = _run_ci(tmp_path, tree)
    assert code == 0, calls
    installs = [line for line in calls.splitlines() if line.startswith("apt-get install")]
    assert any("python3-venv" in line.split() for line in installs), calls


def test_ci_script_keeps_strict_mode() -> None:
    text = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in text
    assert not re.search(r'^\s*eval "\$\(scripts/start-postgres\.sh\)"', text, re.M)


def test_missing_postgresql_fails_in_ci() -> None:
    """A real pytest run, as CI runs it: the PostgreSQL test without a server is red."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TEST_POSTGRES_URL")}
    env["CI"] = "true"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "tests/test_migrations.py",
            "-k",
            "test_upgrade_creates_every_table_and_matches_models and postgres",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1]
    # A fixture that fails is reported as an error: either way the run is red.
    assert any(w in summary for w in ("1 failed", "1 error")), done.stdout[-2000:]
    assert "no_postgres" in done.stdout
    assert done.returncode != 0


@pytest.mark.parametrize("ci", ["", "false", "0"])
def test_missing_postgresql_skips_locally(ci: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside CI the same helper skips, with the reason (the same code path as above)."""
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="TEST_POSTGRES_URL"):
        no_postgres()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        no_postgres()


# --------------------------------------------------------------------------- deployment files


def test_dockerfile_healthcheck_runs_cchc_bot_health() -> None:
    text = (ROOT / "Dockerfile").read_text()
    check = re.search(r"^HEALTHCHECK\b(.*\\\n)*.*$", text, re.M)
    assert check is not None and '"cchc-bot", "health"' in check.group(0)


def test_compose_has_no_default_password() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    uses = re.findall(r"\$\{POSTGRES_PASSWORD([^}]*)\}", text)
    assert uses and all(u.startswith(":?") for u in uses), uses  # required, never a default
    assert "POSTGRES_PASSWORD=" in (ROOT / ".env.example").read_text()


def test_readme_builds_the_image_before_running_it() -> None:
    text = (ROOT / "README.md").read_text()
    build = text.find("docker build -t cchc-bot .")
    run = text.find("docker run")
    assert 0 <= build < run

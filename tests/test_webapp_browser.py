"""The dashboard in a real browser: headless Chromium from the OS packages, driven by Playwright.

The page is loaded as Telegram loads a Mini App — launch parameters in the
URL fragment (``tgWebAppData`` = signed init data, ``tgWebAppThemeParams``)
— at a phone's 390×844, against the real dashboard server over a seeded
database. Screenshots go to ``test-artifacts/webapp/`` (CI keeps them);
``WEBAPP_DOCS_SCREENSHOT=1`` also refreshes ``docs/webapp-overview.png``,
the picture in the README.

Without Chromium (``apt-get install chromium``) or Playwright these tests
skip with the reason — except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from plans.clock import ManualClock
from storage import reports
from storage.db import Database
from tests.chairman_scenario import seed_with_progress
from tests.db_template import migrated_database, seed_once
from tests.factories import CHAIRMAN_TG, VIEWER_TG, Commune
from tests.webapp_support import NOW, TOKEN, init_data
from webapp import links
from webapp.server import Dashboard

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "webapp"
DOCS_SHOT = ROOT / "docs" / "webapp-overview.png"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
LIGHT = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#999999",
    "link_color": "#2481cc",
    "button_color": "#2481cc",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#efeff3",
}
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
    "section_bg_color": "#17212b",
}


def _missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium chromium-driver)"
    return None


def require_browser() -> None:
    """Skip with the reason when Chromium or Playwright is missing — fail instead under CI."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)


def test_missing_browser_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run in CI"):
        require_browser()


# One Chromium for the module (its start, and Playwright's driver, cost about a second of
# CPU each time); every test still opens its own browser context, so no test sees another's
# cookies, storage or pages. The tests, and the fixtures they share a loop with, run on the
# module's event loop, where the browser lives.
ON_MODULE_LOOP = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Any]:
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest_asyncio.fixture(loop_scope="module")
async def db(sqlite_database_url: str) -> AsyncIterator[Database]:
    """conftest's ``db``, on the module's loop (the dashboard serves from it)."""
    async with migrated_database(sqlite_database_url) as database:
        yield database


@pytest_asyncio.fixture(loop_scope="module")
async def site(db: Database) -> AsyncIterator[tuple[str, Commune]]:
    commune = await seed_once(db, seed_with_progress)
    board = Dashboard(db=db, clock=ManualClock(NOW), token=TOKEN)
    await board.start("127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{board.port}", commune
    finally:
        await board.stop()


def launch_url(base: str, telegram_id: int, theme: dict[str, str]) -> str:
    """The address Telegram opens: the page with its launch parameters in the fragment."""
    return links.launch_url(base + "/", init_data(telegram_id), theme=theme, platform="android")


async def open_page(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, accept_downloads=True
    )
    page = await context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(url)
    return context, page, requests


async def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def no_horizontal_overflow(page: Any) -> bool:
    return await page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
        " && document.body.scrollWidth <= window.innerWidth"
    )


@ON_MODULE_LOOP
async def test_chairman_overview_fits_a_phone_and_opens_a_field(
    browser: Any, site: tuple[str, Commune], db: Database
) -> None:
    base, commune = site
    async with db.read() as session:
        ov = await reports.overview(session, commune.org_id, now=NOW)
        field = ov.by_field[2]
        record = await reports.field_record(session, commune.org_id, field.ref_id, now=NOW)
    assert record is not None
    context, page, requests = await open_page(browser, launch_url(base, CHAIRMAN_TG, LIGHT))
    try:
        await page.wait_for_selector("#totals")
        assert await page.inner_text("#totals .big") == f"{ov.done}/{ov.total}"
        assert "UBND xã Vĩnh Khê" in await page.inner_text("#org")
        assert "03/06/2024" in await page.inner_text("#asof")
        assert await page.locator("svg.chart g[data-kind=field]").count() == len(ov.by_field)
        await page.wait_for_selector("#reports li")  # this year's reports with their sent status
        assert await page.get_attribute('#reports li[data-report="2024-Q1"]', "data-status") == (
            "not_sent"
        )
        assert await no_horizontal_overflow(page)
        path = await shot(page, "overview-light")
        if os.environ.get("WEBAPP_DOCS_SCREENSHOT"):
            DOCS_SHOT.parent.mkdir(exist_ok=True)
            await page.screenshot(path=str(DOCS_SHOT))
        assert path.stat().st_size > 10_000

        await page.tap(f'li[data-kind=field][data-id="{field.ref_id}"]')
        await page.wait_for_selector("#tasks")
        assert await page.inner_text("#list-title") == f"{record.key}. {record.title}"
        numbers = await page.eval_on_selector_all(
            "#tasks .task", "cards => cards.map(c => Number(c.dataset.task))"
        )
        assert numbers == [line.number for line in record.tasks]
        assert "Bảng tổng hợp số hóa" in await page.inner_text("#tasks")  # task 6's output
        assert await no_horizontal_overflow(page)
        await shot(page, "field-tasks")

        await page.tap("button.back")
        await page.wait_for_selector("#totals")
        unit = next(g for g in ov.by_unit if g.ref_id == commune.unit_ids["tp"])
        await page.tap(f'svg.chart g[data-kind=unit][data-id="{unit.ref_id}"]')
        await page.wait_for_selector("#tasks")
        assert await page.inner_text("#list-title") == unit.label
        assert all(url.startswith(base) for url in requests), requests
    finally:
        await context.close()


@ON_MODULE_LOOP
async def test_district_viewer_sorts_the_communes_and_opens_one(
    browser: Any, site: tuple[str, Commune], db: Database
) -> None:
    base, commune = site
    context, page, requests = await open_page(browser, launch_url(base, VIEWER_TG, LIGHT))
    try:
        await page.wait_for_selector("#district tbody tr")

        async def names() -> list[str]:
            return await page.eval_on_selector_all(
                "#district tbody tr", "rows => rows.map(r => r.cells[0].textContent)"
            )

        assert await names() == ["Vĩnh Khê", "Vĩnh Tú"]
        assert "Chưa gửi" in await page.inner_text("#district tr[data-org] >> nth=0")
        await page.tap("th[data-col=overdue] button")
        assert await page.get_attribute("th[data-col=overdue]", "aria-sort") == "descending"
        assert await names() == ["Vĩnh Khê", "Vĩnh Tú"]  # 2 overdue, then none
        await page.tap("th[data-col=name] button")
        await page.tap("th[data-col=name] button")
        assert await page.get_attribute("th[data-col=name]", "aria-sort") == "descending"
        assert await names() == ["Vĩnh Tú", "Vĩnh Khê"]
        assert await no_horizontal_overflow(page)
        await shot(page, "district")

        async with page.expect_download() as download_info:
            await page.tap("#download")
        download = await download_info.value
        assert download.suggested_filename == "tong-hop-cchc-vinh-linh-2024-06-03.xlsx"

        await page.tap(f'#district tr[data-org="{commune.org_id}"]')
        await page.wait_for_selector("#totals")
        assert "Vĩnh Khê" in await page.inner_text("#org")
        await page.tap("button.back")
        await page.wait_for_selector("#district tbody tr")
        assert all(url.startswith(base) for url in requests), requests
    finally:
        await context.close()


@ON_MODULE_LOOP
async def test_dark_theme_applies(browser: Any, site: tuple[str, Commune]) -> None:
    base, _ = site
    context, page, _ = await open_page(browser, launch_url(base, CHAIRMAN_TG, DARK))
    try:
        await page.wait_for_selector("#totals")
        assert await page.evaluate("() => document.documentElement.classList.contains('dark')")
        body = await page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        text = await page.evaluate("() => getComputedStyle(document.body).color")
        label = await page.evaluate(
            "() => getComputedStyle(document.querySelector('svg.chart .lbl')).fill"
        )
        assert body == "rgb(23, 33, 43)"
        assert text == "rgb(245, 245, 245)"
        assert label == "rgb(245, 245, 245)"
        await shot(page, "overview-dark")
    finally:
        await context.close()


@ON_MODULE_LOOP
async def test_opened_outside_telegram_says_how_to_open_it(
    browser: Any, site: tuple[str, Commune]
) -> None:
    base, _ = site
    context, page, _ = await open_page(browser, base + "/")
    try:
        await page.wait_for_selector(".error")
        assert "📊 Bảng điều khiển" in await page.inner_text(".error")
    finally:
        await context.close()


@ON_MODULE_LOOP
async def test_demo_chairman_taps_the_button_then_the_district_sorts(
    browser: Any, sqlite_database_url: str
) -> None:
    """The demo's own pieces: its cast and plan, its terminal, the link the 📊 button gives."""
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sandbox.demo.run import _seed, _web_links, free_port
    from sandbox.demo.terminal import Terminal
    from sandbox.harness import BotHarness
    from storage.migrate import upgrade_async

    clock = ManualClock(datetime.fromisoformat("2024-06-03T07:30:00+07:00"))
    await upgrade_async(sqlite_database_url)
    await _seed(sqlite_database_url, clock, "vi")  # type: ignore[arg-type]
    port = free_port()
    overrides = {
        "webapp_url": f"http://127.0.0.1:{port}/",
        "webapp_listen": "127.0.0.1",
        "webapp_port": port,
    }
    harness = BotHarness(sqlite_database_url, clock=clock, settings_overrides=overrides)
    out = io.StringIO()
    terminal = Terminal(
        harness.api,
        clock=clock,
        tz=ZoneInfo("Asia/Ho_Chi_Minh"),
        lang="vi",
        out=out,
        tick=None,
        speed=1,
    )
    await harness.start()
    try:
        terminal.web_link = _web_links(harness, "vi")
        for line in (":as chairman", "/tongquan"):
            await terminal.handle(line)
            await harness.idle()
            terminal.flush_bot_output()
        await terminal.handle("#1")  # the 📊 Bảng điều khiển button
        link = out.getvalue().rsplit("\n   ", 1)[1].split()[0]
        assert link.startswith(f"http://127.0.0.1:{port}/#tgWebAppData=")
        context, page, requests = await open_page(browser, link)
        try:
            await page.wait_for_selector("#totals")
            assert "Vĩnh Khê" in await page.inner_text("#org")
            units = await page.locator("svg.chart g[data-kind=unit]").count()
            assert units >= 3
            await page.tap("li[data-kind=unit] >> nth=0")
            await page.wait_for_selector("#tasks .task")
            assert await no_horizontal_overflow(page)
            await shot(page, "demo-unit-tasks")
        finally:
            await context.close()

        await terminal.handle(":web district")
        link = out.getvalue().rsplit("\n   ", 1)[1].split()[0]
        context, page, requests = await open_page(browser, link)
        try:
            await page.wait_for_selector("#district tbody tr")
            await page.tap("th[data-col=done] button")
            assert await page.get_attribute("th[data-col=done]", "aria-sort") == "descending"
            assert "Vĩnh Khê" in await page.inner_text("#district tbody")
            await shot(page, "demo-district")
            assert all(url.startswith(f"http://127.0.0.1:{port}/") for url in requests)
        finally:
            await context.close()
    finally:
        terminal.detach()
        await harness.stop()


@ON_MODULE_LOOP
async def test_par_index_tab_shows_the_projection(
    browser: Any, site: tuple[str, Commune], db: Database
) -> None:
    from datetime import UTC, datetime

    from storage import par_index
    from storage.models import ParTaskCriterion
    from tests.test_webapp_scorecard import last_years_card

    base, commune = site
    async with db.write() as session:
        await par_index.save_scorecard(
            session,
            commune.org_id,
            last_years_card(),
            year=2023,
            person_id=None,
            actor="test",
            at=datetime(2024, 1, 20, tzinfo=UTC),
        )
        session.add(ParTaskCriterion(task_id=commune.task_ids[6], criterion_code="3.2"))
    async with db.read() as session:
        desk = await par_index.desk(session, commune.org_id, now=NOW)
    assert desk is not None
    context, page, requests = await open_page(browser, launch_url(base, CHAIRMAN_TG, LIGHT))
    try:
        await page.wait_for_selector("#totals")
        await page.tap("nav button[data-tab=score]")
        await page.wait_for_selector("#projection")
        projected = f"{desk.projection.projected:f}".rstrip("0").rstrip(".").replace(".", ",")
        assert projected in await page.inner_text("#projection")
        codes = await page.eval_on_selector_all(
            "#losses .crit", "cards => cards.map(c => c.dataset.code)"
        )
        assert codes == ["1.5", "3.2"]
        assert "Chưa có nhiệm vụ khắc phục" in await page.inner_text('#losses [data-code="1.5"]')
        assert await no_horizontal_overflow(page)
        await shot(page, "par-index")
        assert all(url.startswith(base) for url in requests), requests
    finally:
        await context.close()


@ON_MODULE_LOOP
async def test_english_reader_gets_the_english_page(
    browser: Any, site: tuple[str, Commune], db: Database
) -> None:
    from sqlalchemy import select

    from storage.models import Person

    base, _ = site
    async with db.write() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == CHAIRMAN_TG))
        assert person is not None
        person.language = "en"
    context, page, _ = await open_page(browser, launch_url(base, CHAIRMAN_TG, LIGHT))
    try:
        await page.wait_for_selector("#totals")
        assert await page.evaluate("() => document.documentElement.lang") == "en"
        assert await page.inner_text("nav button[data-tab=overview]") == "Overview"
        assert "Figures as of 03/06/2024" in await page.inner_text("#asof")
        assert "tasks done" in await page.inner_text("#totals")
    finally:
        await context.close()

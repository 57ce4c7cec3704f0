"""The dashboard's HTTP side: one static page and a read-only JSON API, on aiohttp.

Every ``/api/*`` request carries the Mini App's init data in
``Authorization: tma <initData>``; it is checked (:mod:`webapp.initdata`),
the Telegram user becomes a person (:mod:`webapp.access`), and the answer is
built from :mod:`storage.reports` (:mod:`webapp.payload`). Refusals are JSON
with a short ``reason`` and a polite ``message`` in the reader's language:
401 for init data that cannot be trusted, 403 for a person who may not see
the thing asked for, 400 for a malformed parameter.

The page is served with a Content-Security-Policy that allows nothing but
this origin, so it cannot make an external request even by mistake.

The bot process runs the server (:func:`start_dashboard` from ``post_init``) on
``WEBAPP_LISTEN``/``WEBAPP_PORT`` whenever ``WEBAPP_URL`` is set.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from locales import SUPPORTED_LANGUAGES, catalog, t
from plans.calendar import parse_period_arg
from plans.clock import Clock
from plans.report_kinds import due_reports
from plans.status_table import ascii_slug
from storage import par_index, report_records, reports
from storage.db import Database
from storage.models import Field, Plan, Unit
from webapp import payload
from webapp.access import Forbidden, Viewer, check_org, viewer_for
from webapp.initdata import InitDataError, validate
from webapp.queries import task_extras
from webapp.xlsx import district_workbook

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
SCHEME = "tma "
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadRequest(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def page_strings() -> dict[str, dict[str, str]]:
    """The page's wording in every language (``webapp.*`` keys, prefix dropped)."""
    out: dict[str, dict[str, str]] = {}
    for lang in SUPPORTED_LANGUAGES:
        keys = [k for k in catalog("vi") if k.startswith("webapp.")]
        out[lang] = {k.removeprefix("webapp."): t(k, lang) for k in keys}
    return out


def render_index() -> str:
    """index.html with the catalog's wording embedded (the page needs it before signing in)."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    strings = json.dumps(page_strings(), ensure_ascii=False).replace("</", "<\\/")
    return html.replace("{{strings}}", strings).replace("{{loading}}", t("webapp.loading", "vi"))


def _error(status: int, reason: str, lang: str) -> web.Response:
    key = {401: "unauthorized", 403: "forbidden", 400: "bad_request"}.get(status, "bad_request")
    return web.json_response(
        {"error": key, "reason": reason, "message": t(f"webapp.error.{reason}", lang)},
        status=status,
    )


def _int_param(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"bad_{name}") from exc
    if not 0 < value < 2**63:
        raise BadRequest(f"bad_{name}")
    return value


Handler = Callable[[Any, web.Request, AsyncSession, Viewer], Awaitable[web.StreamResponse]]


def api(handler: Handler) -> Callable[[Any, web.Request], Awaitable[web.StreamResponse]]:
    """Check the init data and the person, open a read session, answer refusals as JSON."""

    async def wrapper(self: Dashboard, request: web.Request) -> web.StreamResponse:
        header = request.headers.get("Authorization", "")
        if not header.startswith(SCHEME):
            return _error(401, "missing", self.default_lang)
        try:
            user = validate(header[len(SCHEME) :].strip(), self.token, now=self.auth_now())
        except InitDataError as exc:
            log.info("dashboard: init data refused (%s)", exc.reason)
            return _error(401, exc.reason, self.default_lang)
        async with self.db.read() as session:
            try:
                viewer = await viewer_for(session, user, self.default_lang)
            except Forbidden as exc:
                log.info("dashboard: user %s refused (%s)", user.id, exc.reason)
                return _error(403, exc.reason, exc.lang)
            try:
                response = await handler(self, request, session, viewer)
            except Forbidden as exc:
                log.info("dashboard: person %s refused (%s)", viewer.person.id, exc.reason)
                return _error(403, exc.reason, viewer.lang)
            except BadRequest as exc:
                return _error(400, exc.reason, viewer.lang)
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper


@web.middleware
async def _security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


class Dashboard:
    """The aiohttp application and, once started, its listening site."""

    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        token: str,
        default_lang: str = "vi",
        auth_now: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.clock = clock
        self.token = token
        self.default_lang = default_lang
        self.auth_now = auth_now
        self.runner: web.AppRunner | None = None
        self.port: int | None = None
        self._index: str | None = None

    # ------------------------------------------------------------------ assembly

    def build(self) -> web.Application:
        app = web.Application(middlewares=[_security_headers])
        app.router.add_get("/", self.index)
        app.router.add_static("/static/", STATIC_DIR, append_version=False)
        app.router.add_get("/api/me", self.me)
        app.router.add_get("/api/overview", self.overview)
        app.router.add_get("/api/tasks", self.tasks)
        app.router.add_get("/api/overdue", self.overdue)
        app.router.add_get("/api/district", self.district)
        app.router.add_get("/api/district.xlsx", self.district_xlsx)
        app.router.add_get("/api/scorecard", self.scorecard)
        app.router.add_get("/api/reports", self.report_periods)
        return app

    async def start(self, host: str, port: int) -> None:
        """Listen on ``host:port`` (port 0: any free port, see :attr:`port`)."""
        self.runner = web.AppRunner(self.build(), access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("dashboard listening on %s:%s", host, self.port)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    # ------------------------------------------------------------------ page

    async def index(self, request: web.Request) -> web.Response:
        if self._index is None:
            self._index = await asyncio.to_thread(render_index)
        return web.Response(text=self._index, content_type="text/html", charset="utf-8")

    # ------------------------------------------------------------------ API

    @api
    async def me(self, request: web.Request, session: AsyncSession, viewer: Viewer) -> web.Response:
        org = viewer.org
        return web.json_response(
            {
                "person": {
                    "id": viewer.person.id,
                    "name": viewer.person.full_name,
                    "role": viewer.person.role.value,
                },
                "org": {
                    "id": org.id,
                    "name": org.name,
                    "title": payload.issuer(org.name, org.kind, viewer.lang),
                },
                "lang": viewer.lang,
                "home": "district" if viewer.is_district else "overview",
            }
        )

    def _now(self) -> datetime:
        return self.clock.now()

    @api
    async def overview(
        self, request: web.Request, session: AsyncSession, viewer: Viewer
    ) -> web.Response:
        org_id = await check_org(session, viewer, _int_param(request, "org"))
        now = self._now()
        org = await reports.organization(session, org_id)
        settings = reports.calendar_settings(org)
        per = None
        text = request.query.get("period", "").strip()
        if text:
            parsed = parse_period_arg(text[:40], now.astimezone(settings.tzinfo).year)
            if parsed is None:
                raise BadRequest("bad_period")
            per = reports.resolve_period(org, parsed, now)
        ov = await reports.overview(session, org_id, now=now, period=per)
        year = per.year if per is not None else ov.today.year
        choices = payload.period_choices(year, settings, viewer.lang)
        return web.json_response(payload.overview_json(ov, viewer.lang, choices))

    async def _owner(self, session: AsyncSession, kind: str, ref_id: int) -> int | None:
        if kind == "unit":
            return await session.scalar(select(Unit.organization_id).where(Unit.id == ref_id))
        return await session.scalar(
            select(Plan.organization_id)
            .join(Field, Field.plan_id == Plan.id)
            .where(Field.id == ref_id)
        )

    @api
    async def tasks(
        self, request: web.Request, session: AsyncSession, viewer: Viewer
    ) -> web.Response:
        field_id = _int_param(request, "field")
        unit_id = _int_param(request, "unit")
        if (field_id is None) == (unit_id is None):
            raise BadRequest("field_or_unit")
        kind, ref_id = ("field", field_id) if field_id is not None else ("unit", unit_id)
        assert ref_id is not None
        owner = await self._owner(session, kind, ref_id)
        if owner is None:
            raise Forbidden("other_org", viewer.lang)
        if viewer.is_district or owner != viewer.org.id:
            await check_org(session, viewer, owner)
        now = self._now()
        if kind == "field":
            record: Any = await reports.field_record(session, owner, ref_id, now=now)
            title = f"{record.key}. {record.title}" if record else ""
        else:
            record = await reports.unit_record(session, owner, ref_id, now=now)
            title = record.name if record else ""
        if record is None:
            raise Forbidden("other_org", viewer.lang)
        extras = await task_extras(session, owner, (line.task_id for line in record.tasks))
        body = payload.tasks_json(title, record, record.tasks, extras, viewer.lang, record.today)
        body["kind"] = kind
        body["org_id"] = owner
        return web.json_response(body)

    @api
    async def overdue(
        self, request: web.Request, session: AsyncSession, viewer: Viewer
    ) -> web.Response:
        org_id = await check_org(session, viewer, _int_param(request, "org"))
        now = self._now()
        lines = await reports.overdue_list(session, org_id, now=now)
        org = await reports.organization(session, org_id)
        today = now.astimezone(reports.calendar_settings(org).tzinfo).date()
        extras = await task_extras(session, org_id, (line.task_id for line in lines))
        title = t("webapp.overdue.title", viewer.lang, count=len(lines))
        body = payload.tasks_json(title, None, lines, extras, viewer.lang, today)
        body["org_id"] = org_id
        return web.json_response(body)

    @api
    async def scorecard(
        self, request: web.Request, session: AsyncSession, viewer: Viewer
    ) -> web.Response:
        """The PAR INDEX desk (``storage.par_index.desk``); ``{"scorecard": null}`` without one."""
        org_id = await check_org(session, viewer, _int_param(request, "org"))
        found = await par_index.desk(session, org_id, now=self._now())
        if found is None:
            return web.json_response(
                {
                    "org_id": org_id,
                    "scorecard": None,
                    "message": t("webapp.score.none", viewer.lang),
                }
            )
        return web.json_response(
            {"org_id": org_id, "scorecard": payload.scorecard_json(found, viewer.lang)}
        )

    @api
    async def report_periods(
        self, request: web.Request, session: AsyncSession, viewer: Viewer
    ) -> web.Response:
        """This year's reports of every kind the organization owes, with their sent status.

        Deadlines from ``plans.report_kinds.due_reports`` over the organization's
        report kinds; the status from the sent-report record
        (``storage.report_records.status_of``), as the district roll-up reads it.
        """
        org_id = await check_org(session, viewer, _int_param(request, "org"))
        org = await reports.organization(session, org_id)
        settings = reports.calendar_settings(org)
        today = self._now().astimezone(settings.tzinfo).date()
        cycle = await report_records.cycle_settings(session, org)
        lines = []
        for due in due_reports(list(cycle.kinds), settings, (today.year,)):
            record = await report_records.record_for(session, org_id, due.code, due.kind.key)
            lines.append((due, record, report_records.status_of(record, due.deadline, today)))
        return web.json_response(payload.reports_json(org_id, today, lines, viewer.lang))

    async def _district(self, session: AsyncSession, viewer: Viewer) -> dict[str, Any]:
        if not viewer.is_district:
            raise Forbidden("not_district", viewer.lang)
        now = self._now()
        roll = await reports.district_rollup(session, viewer.org.id, now=now)
        body = payload.district_json(roll, viewer.lang)
        for line in body["communes"]:  # the desk's projection, as /chiso shows it
            found = await par_index.desk(session, line["id"], now=now)
            line["projected_score"] = float(found.projection.projected) if found else None
            line["projected_text"] = (
                payload.points(found.projection.projected, viewer.lang) if found else None
            )
        return body

    @api
    async def district(
        self, request: web.Request, session: AsyncSession, viewer: Viewer
    ) -> web.Response:
        return web.json_response(await self._district(session, viewer))

    @api
    async def district_xlsx(
        self, request: web.Request, session: AsyncSession, viewer: Viewer
    ) -> web.Response:
        body = await self._district(session, viewer)
        data = await asyncio.to_thread(district_workbook, body, viewer.lang)
        name = (
            f"tong-hop-cchc-{ascii_slug(body['district']['name']) or 'huyen'}-{body['today']}.xlsx"
        )
        return web.Response(
            body=data,
            content_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


# --------------------------------------------------------------------------- in the bot process


async def start_dashboard(services: Services, token: str) -> Dashboard | None:
    """Build the dashboard beside the bot when ``WEBAPP_URL`` is set (``post_init``).

    When the webhook server serves the dashboard too
    (``services.dashboard_on_webhook``), it is built but not started here:
    its routes are mounted on that server.
    """
    settings = services.settings
    if not settings.webapp_url:
        return None
    dashboard = Dashboard(
        db=services.database,
        clock=services.clock,
        token=token,
        default_lang=settings.default_language,
    )
    if not services.dashboard_on_webhook:
        await dashboard.start(settings.webapp_listen, settings.webapp_port)
    return dashboard

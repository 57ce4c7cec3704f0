"""`FakeBotApi`: a local Telegram Bot API server for tests and the demo.

The real bot (python-telegram-bot) talks to it over HTTP exactly as it talks to
api.telegram.org — only ``base_url``/``base_file_url`` differ. The server owns
the update queue (long polling or webhook), answers the Bot API methods
(`methods.BotMethods`), enforces Telegram's limits (`limits.Limits`), injects
faults (`faults.Faults`), and lets tests act as users (`simulator.UserSide`).

Waiting is event driven: every bot call and every user action calls `changed()`,
which wakes every waiter to re-check its condition, so tests wait for *what
happened*, never for a timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from sandbox.devserver.errors import NOT_FOUND, UNAUTHORIZED, ApiError
from sandbox.devserver.faults import Faults
from sandbox.devserver.limits import Limits
from sandbox.devserver.methods import BotMethods
from sandbox.devserver.params import Params
from sandbox.devserver.simulator import UserSide
from sandbox.devserver.state import BotState, JsonDict, User
from sandbox.devserver.waits import DEFAULT_WAIT_SECONDS

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:TEST-cchc-fake-token"
T = TypeVar("T")

# Update types a bot receives when it does not ask for specific ones (Bot API docs).
_NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
_WEBHOOK_RETRY_SECONDS = (0.05, 0.2, 0.5, 1.0)


class FakeBotApi(BotMethods, UserSide):
    """A fake Telegram: ``async with FakeBotApi() as api``, then point PTB at ``api.base_url``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "cchc_test_bot",
        bot_first_name: str = "CCHC Test Bot",
        limits: Limits | None = None,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        wall_clock: Callable[[], float] = time.time,
        group_privacy: bool = True,
    ) -> None:
        self.token = token
        self.group_privacy = group_privacy  # Telegram's default for new bots
        bot_id = int(token.split(":", 1)[0])
        self.state = BotState(User(bot_id, bot_first_name, username=bot_username, is_bot=True))
        self.limits = limits if limits is not None else Limits()
        self.faults = faults if faults is not None else Faults()
        self.host = host
        self.port = port
        self.wall_clock = wall_clock
        self._wake = asyncio.Event()
        self._inflight = 0  # bot calls being answered, getUpdates excluded
        self._last_call_at = time.monotonic()
        self._poll_generation = 0
        self._closing = False
        self._webhook_task: asyncio.Task[None] | None = None
        # Called as listener(method, params, result) after each successful bot call,
        # e.g. for the terminal demo to print what the bot says as it says it.
        self.listeners: list[Callable[[str, JsonDict, Any], None]] = []
        self._http: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._methods = self.method_table()
        self.app = web.Application(client_max_size=60 * 1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)

    # --- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        self._closing = False
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]  # the real port when 0 asked for any
        log.info("fake Bot API listening on %s", self.root_url)

    async def stop(self) -> None:
        self._closing = True  # a long poll in progress answers now, not at its timeout
        self.changed()
        await self._stop_webhook()
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=...)``/``ApplicationBuilder().base_url(...)``."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    @property
    def bot_user(self) -> User:
        return self.state.bot

    # --- HTTP ----------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        counted = method.lower() != "getupdates"
        if counted:
            self._inflight += 1
        try:
            if request.match_info["token"] != self.token:
                raise UNAUTHORIZED
            params = await Params.from_request(request)
            self.state.calls.append((method, dict(params.values)))
            decision = self.faults.decide(method)
            if decision.delay:
                await asyncio.sleep(decision.delay)
            if decision.drop:
                return self._drop(request, method)
            if decision.error is not None:
                raise decision.error
            handler = self._methods.get(method.lower())
            if handler is None:
                raise NOT_FOUND
            result = await handler(params)
            self._notify_listeners(method, params, result)
            if decision.drop_after:
                return self._drop(request, method)
            return web.json_response({"ok": True, "result": result})
        except ApiError as err:
            return web.json_response(err.to_api(), status=err.status)
        except Exception:  # a devserver bug: show it in the test log, answer like Telegram
            log.exception("devserver failed on %s", method)
            error = ApiError(500, "Internal Server Error")
            return web.json_response(error.to_api(), status=500)
        finally:
            if counted:
                self._inflight -= 1
                self._last_call_at = time.monotonic()
            self.changed()

    def _drop(self, request: web.Request, method: str) -> web.Response:
        """Close the connection without an answer; the client sees a network error."""
        log.debug("dropping the connection of %s", method)
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)  # never reaches the client

    def _notify_listeners(self, method: str, params: Params, result: Any) -> None:
        for listener in self.listeners:
            try:
                listener(method, params.values, result)
            except Exception:  # a broken observer must not turn into a Bot API error
                log.exception("devserver listener failed on %s", method)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(UNAUTHORIZED.to_api(), status=401)
        stored = self.state.files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(NOT_FOUND.to_api(), status=404)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    # --- change notification and waiting -------------------------------------

    @property
    def calls_in_flight(self) -> int:
        """Bot API calls (``getUpdates`` aside) received and not yet answered."""
        return self._inflight

    def changed(self) -> None:
        """Wake everything waiting on the state (call after any change)."""
        self._wake.set()
        self._wake = asyncio.Event()

    async def wait_until(
        self,
        predicate: Callable[[], T | None],
        timeout: float | None = DEFAULT_WAIT_SECONDS,  # noqa: ASYNC109
    ) -> T:
        """Return the first truthy value of `predicate()`, re-checked after every change.

        Raises TimeoutError after `timeout` seconds (None: wait for ever).
        """
        try:
            async with asyncio.timeout(timeout):
                while True:
                    wake = self._wake
                    result = predicate()
                    if result:
                        return result
                    await wake.wait()
        except TimeoutError:
            recent = ", ".join(name for name, _ in self.state.calls[-8:])
            raise TimeoutError(
                f"condition not met within {timeout}s; last bot calls: {recent or 'none'}"
            ) from None

    async def wait_idle(
        self,
        quiet: float = 0.05,
        timeout: float = DEFAULT_WAIT_SECONDS,  # noqa: ASYNC109
    ) -> None:
        """Wait until every update was taken, no call is running, and none came for `quiet` s.

        A wall-clock bound, used to let a bot finish reacting before asserting that
        something did *not* happen.
        """
        try:
            async with asyncio.timeout(timeout):
                while True:
                    wake = self._wake
                    busy = bool(self.state.updates) or self._inflight > 0
                    remaining = quiet - (time.monotonic() - self._last_call_at)
                    if not busy and remaining <= 0:
                        return
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), None if busy else remaining)
        except TimeoutError:
            raise TimeoutError(
                f"bot not idle within {timeout}s: {len(self.state.updates)} updates pending, "
                f"{self._inflight} calls running"
            ) from None

    # --- updates -------------------------------------------------------------

    def enqueue_update(self, kind: str, payload: JsonDict) -> JsonDict:
        """Queue one update for the bot (`kind` like "message", "callback_query")."""
        update = {"update_id": self.state.next_update_id(), kind: payload}
        self.state.updates.append(update)
        self.changed()
        return update

    def _allowed(self, update: JsonDict) -> bool:
        kind = next(k for k in update if k != "update_id")
        allowed = self.state.allowed_updates
        if allowed:
            return kind in allowed
        return kind not in _NOT_BY_DEFAULT

    def _confirm(self, offset: int | None) -> None:
        """getUpdates' offset: earlier updates are confirmed and forgotten."""
        if offset is None:
            return
        if offset < 0:
            del self.state.updates[: max(0, len(self.state.updates) + offset)]
        else:
            self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]

    def _deliverable(self) -> list[JsonDict]:
        # Updates the bot did not subscribe to are dropped, as Telegram never stores them.
        self.state.updates = [u for u in self.state.updates if self._allowed(u)]
        return self.state.updates

    async def get_updates(self, p: Params) -> list[JsonDict]:
        if self.state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        allowed = p.json("allowed_updates")
        if allowed is not None:
            self.state.allowed_updates = list(allowed)
        self._confirm(p.int("offset"))
        limit = min(max(p.int("limit") or 100, 1), 100)
        timeout = max(p.float("timeout") or 0.0, 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        # Wake an older long poll (it is superseded) and wait_idle (updates confirmed).
        self.changed()

        def answer_ready() -> bool:
            superseded = generation != self._poll_generation
            hook_set = self.state.webhook is not None
            return bool(self._deliverable()) or superseded or hook_set or self._closing

        if timeout > 0:
            with contextlib.suppress(TimeoutError):
                await self.wait_until(answer_ready, timeout)
        if generation != self._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return self._deliverable()[:limit]

    # --- webhook delivery ----------------------------------------------------

    def _start_webhook(self) -> None:
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhook())

    async def _stop_webhook(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver_webhook(self) -> None:
        """POST queued updates one by one to the webhook, retrying until it answers 2xx."""
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        failures = 0
        while True:  # until deleteWebhook: it can come during any await, so read it after each
            await self.wait_until(lambda: self.state.webhook is None or self._deliverable(), None)
            hook = self.state.webhook
            if hook is None:
                return
            update = self._deliverable()[0]
            headers = (
                {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
            )
            try:
                async with self._http.post(hook.url, json=update, headers=headers) as response:
                    ok = 200 <= response.status < 300
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except aiohttp.ClientError as err:
                ok, error = False, f"Connection failed: {err}"
            if ok:
                failures = 0
                if self.state.updates and self.state.updates[0] is update:
                    self.state.updates.pop(0)
                self.changed()
                continue
            hook.last_error_date = int(self.wall_clock())
            hook.last_error_message = error
            delay = _WEBHOOK_RETRY_SECONDS[min(failures, len(_WEBHOOK_RETRY_SECONDS) - 1)]
            failures += 1
            await asyncio.sleep(delay)

    def method_table(self) -> dict[str, Callable[[Params], Awaitable[Any]]]:
        table = super().method_table()
        table["getupdates"] = self.get_updates
        return table

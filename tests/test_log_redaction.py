"""Secrets never reach the log, at DEBUG either (issue 16 §7).

PTB's DEBUG line for ``setWebhook`` prints its parameters, ``secret_token``
included; DEBUG update dumps print ``/start <invitation code>``. The real
bot is driven against the fake Bot API with the process's own logging
configuration (:func:`bot.logging_setup.configure_logging`) at DEBUG.
"""

from __future__ import annotations

import logging

import pytest
from telegram import Bot

from bot.logging_setup import configure_logging
from sandbox.harness import BotHarness
from storage.invitations import create_invitation
from storage.models import Role
from tests.factories import Commune
from tests.officers_support import say

WEBHOOK_SECRET = "WebHook-Secret_0123456789abcdef"


@pytest.fixture
def debug_logging():  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield
    root.handlers[:], level = saved
    root.setLevel(level)


async def test_debug_log_hides_token_webhook_secret_and_codes(
    harness: BotHarness, commune: Commune, capsys: pytest.CaptureFixture[str], debug_logging: None
) -> None:
    app_bot = harness.application.bot
    token = app_bot.token
    configure_logging("DEBUG", token)
    async with harness.database.write() as session:
        invitation = await create_invitation(
            session,
            organization_id=commune.org_id,
            role=Role.CHAIRMAN,
            unit_id=None,
            created_by=None,
            now=harness.clock.now(),
        )
    # A plain Bot on the same token registers (and drops) a webhook, as `run` does.
    base = app_bot.base_url.removesuffix(token)
    async with Bot(token, base_url=base) as other:
        await other.set_webhook("https://cchc.example/hook", secret_token=WEBHOOK_SECRET)
        await other.delete_webhook()
    newcomer = harness.api.add_user("Mới", user_id=3201)
    await say(harness, newcomer, f"/start {invitation.code}")
    err = capsys.readouterr().err
    assert "setWebhook" in err and "secret_token" in err  # the DEBUG line is there...
    assert WEBHOOK_SECRET not in err  # ...without its value
    assert "<secret>" in err
    assert invitation.code not in err
    assert token not in err

"""Init data validation, exactly as Telegram documents it (webapp/initdata.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import parse_qsl, quote, urlencode

import pytest

from webapp.initdata import MAX_AGE, InitDataError, sign, validate

TOKEN = "123456:AAEbotTokenForTheDashboardTests_abcdef"
NOW = 1_717_374_600.0


def _documented_hash(fields: dict[str, str], token: str) -> str:
    """Telegram's recipe written out independently of the module under test."""
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "hash")
    secret = hmac.new(key=b"WebAppData", msg=token.encode(), digestmod=hashlib.sha256).digest()
    return hmac.new(key=secret, msg=check.encode(), digestmod=hashlib.sha256).hexdigest()


def _fields(data: str) -> dict[str, str]:
    return dict(parse_qsl(data, keep_blank_values=True))


def _signed(**kwargs: object) -> str:
    user = {"id": 2002, "first_name": "Hùng", "language_code": "vi"}
    return sign(TOKEN, user, auth_date=int(NOW), **kwargs)  # type: ignore[arg-type]


def test_sign_follows_the_documented_recipe() -> None:
    fields = _fields(_signed(query_id="AAH1", chat_type="private"))
    assert fields["hash"] == _documented_hash(fields, TOKEN)


def test_valid_init_data_gives_the_user() -> None:
    user = validate(_signed(), TOKEN, now=NOW + 10)
    assert (user.id, user.first_name, user.language_code) == (2002, "Hùng", "vi")
    assert user.auth_date == int(NOW)


def test_init_data_built_by_hand_like_telegram_is_accepted() -> None:
    """Fields in any order, URL-encoded, with a ``signature`` field: all but hash are signed."""
    fields = {
        "user": json.dumps({"id": 7, "first_name": "A & B", "username": "ab"}),
        "chat_instance": "-8471203",
        "signature": "ZmFrZS1lZDI1NTE5",
        "auth_date": str(int(NOW)),
    }
    fields["hash"] = _documented_hash(fields, TOKEN)
    raw = "&".join(f"{k}={quote(v, safe='')}" for k, v in reversed(list(fields.items())))
    assert validate(raw, TOKEN, now=NOW).id == 7


def test_an_hour_old_is_accepted_a_second_more_is_expired() -> None:
    assert validate(_signed(), TOKEN, now=NOW + MAX_AGE).id == 2002
    with pytest.raises(InitDataError) as exc:
        validate(_signed(), TOKEN, now=NOW + MAX_AGE + 1)
    assert exc.value.reason == "expired"


def test_from_the_future_is_refused() -> None:
    with pytest.raises(InitDataError) as exc:
        validate(_signed(), TOKEN, now=NOW - 3600)
    assert exc.value.reason == "from_future"


@pytest.mark.parametrize("position", [0, 31, 63])
def test_one_character_of_the_hash_changed_is_refused(position: int) -> None:
    fields = _fields(_signed())
    digest = fields["hash"]
    flipped = "0" if digest[position] != "0" else "1"
    fields["hash"] = digest[:position] + flipped + digest[position + 1 :]
    with pytest.raises(InitDataError) as exc:
        validate(urlencode(fields), TOKEN, now=NOW)
    assert exc.value.reason == "bad_hash"


def test_tampered_user_is_refused() -> None:
    fields = _fields(_signed())
    fields["user"] = fields["user"].replace("2002", "2001")  # someone else's id
    with pytest.raises(InitDataError) as exc:
        validate(urlencode(fields), TOKEN, now=NOW)
    assert exc.value.reason == "bad_hash"


def test_tampered_auth_date_is_refused() -> None:
    fields = _fields(_signed())
    fields["auth_date"] = str(int(NOW) + 3000)
    with pytest.raises(InitDataError):
        validate(urlencode(fields), TOKEN, now=NOW + 5000)


def test_another_bots_token_is_refused() -> None:
    data = sign("654321:ZZZanotherBotsTokenForTheTests_xyz123", {"id": 2002}, auth_date=int(NOW))
    with pytest.raises(InitDataError) as exc:
        validate(data, TOKEN, now=NOW)
    assert exc.value.reason == "bad_hash"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "missing"),
        ("auth_date=1&user=%7B%7D", "no_hash"),
        ("a=1&a=2&hash=00", "duplicate_field"),
        ("no-equals-sign", "malformed"),
    ],
)
def test_malformed_init_data_is_refused(raw: str, reason: str) -> None:
    with pytest.raises(InitDataError) as exc:
        validate(raw, TOKEN, now=NOW)
    assert exc.value.reason == reason


def test_signed_but_without_a_user_id_is_refused() -> None:
    fields = {"auth_date": str(int(NOW)), "user": json.dumps({"id": "2002"})}
    fields["hash"] = _documented_hash(fields, TOKEN)
    with pytest.raises(InitDataError) as exc:
        validate(urlencode(fields), TOKEN, now=NOW)
    assert exc.value.reason == "no_user"

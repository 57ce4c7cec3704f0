"""Typed access to Bot API call parameters, whatever way they were sent.

A Bot API call may arrive as a query string, a JSON body, a form, or a multipart
form; in forms (which is what PTB sends) numbers and booleans are strings and
nested objects such as reply_markup are JSON-encoded strings. `Params` hides
those differences and answers 400 like Telegram when a value is unusable.
"""

from __future__ import annotations

import builtins
import json
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from sandbox.devserver.errors import bad_request


class Params:
    def __init__(self, values: dict[str, Any], files: dict[str, FileField] | None = None) -> None:
        self.values = values
        self.files = files or {}

    @classmethod
    async def from_request(cls, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, FileField] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError as err:
                    raise bad_request("can't parse JSON request body") from err
                if isinstance(body, dict):
                    values.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, FileField):
                        files[key] = value
                    else:
                        values[key] = value
        return cls(values, files)

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.files

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def str(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None:
            if required:
                raise bad_request(f"{name} is empty")
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def int(self, name: builtins.str, *, required: builtins.bool = False) -> builtins.int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        try:
            return int(value)
        except (TypeError, ValueError) as err:
            raise bad_request(f"invalid {name} specified") from err

    def float(self, name: builtins.str) -> builtins.float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError) as err:
            raise bad_request(f"invalid {name} specified") from err

    def bool(self, name: builtins.str) -> builtins.bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: builtins.str) -> Any:
        """A nested object: sent as JSON proper, or as a JSON string inside a form."""
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError as err:
                raise bad_request(f"can't parse {name} JSON object") from err
        return value

    def chat_id(self, name: builtins.str = "chat_id") -> builtins.int | builtins.str:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, str) and value.startswith("@"):
            return value
        try:
            return int(value)
        except (TypeError, ValueError) as err:
            raise bad_request("chat not found") from err

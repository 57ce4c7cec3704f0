"""Entity parsing for parse_mode HTML and MarkdownV2, strict like Telegram.

Telegram turns formatted text into plain text plus ``MessageEntity`` objects,
refuses malformed markup with 400 "can't parse entities", and checks the 4096
limit on the plain text. Doing the same here catches a bot that forgets
``html.escape`` on user input long before production does.
Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import html
import re
from typing import Any

from sandbox.devserver.errors import ApiError, bad_request

Entity = dict[str, Any]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Return (plain text, entities) for `text` sent with `parse_mode`."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown_v2(text, legacy=True)
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


# --- HTML -------------------------------------------------------------------

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ATTR = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_CHAR_REF = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def _attrs(raw: str) -> dict[str, str]:
    found = {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in _ATTR.finditer(raw)
    }
    for bare in re.findall(r"(?:^|\s)([a-zA-Z-]+)(?=\s|$)", raw):
        found.setdefault(bare.lower(), "")
    return found


def _html_entity_for(tag: str, attrs: dict[str, str], at: int) -> Entity:
    if tag == "a":
        url = attrs.get("href", "")
        match = re.fullmatch(r"tg://user\?id=(\d+)", url)
        if match:
            return {
                "type": "text_mention",
                "user": {"id": int(match.group(1)), "is_bot": False, "first_name": ""},
            }
        return {"type": "text_link", "url": url}
    if tag == "span":
        if attrs.get("class") != "tg-spoiler":
            raise parse_error(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        return {"type": "spoiler"}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    if tag == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    entity: Entity = {"type": _SIMPLE_TAGS[tag]}
    if tag == "code" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"].removeprefix("language-")
    return entity


def parse_html(source: str) -> tuple[str, list[Entity]]:
    out: list[str] = []
    out_len = 0  # UTF-16 length of the text produced so far
    stack: list[tuple[str, Entity, int]] = []  # (tag, entity, start offset)
    entities: list[Entity] = []
    pos = 0
    while pos < len(source):
        lt = source.find("<", pos)
        chunk = source[pos:] if lt < 0 else source[pos:lt]
        if chunk:
            plain = _CHAR_REF.sub(lambda m: html.unescape(m.group(0)), chunk)
            out.append(plain)
            out_len += utf16_len(plain)
        if lt < 0:
            break
        at = len(source[:lt].encode())
        match = _TAG.match(source, lt)
        if match is None:
            raise parse_error(f'Unsupported start tag "" at byte offset {at}')
        closing, tag, raw_attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if closing:
            if not stack:
                raise parse_error(f"Unexpected end tag at byte offset {at}")
            open_tag, entity, start = stack.pop()
            if open_tag != tag:
                raise parse_error(
                    f"Unmatched end tag at byte offset {at}, "
                    f'expected "</{open_tag}>", found "</{tag}>"'
                )
            if out_len > start:
                entity.update(offset=start, length=out_len - start)
                entities.append(entity)
        else:
            if tag not in _SIMPLE_TAGS and tag not in ("a", "span", "tg-emoji"):
                raise parse_error(f'Unsupported start tag "{tag}" at byte offset {at}')
            stack.append((tag, _html_entity_for(tag, _attrs(raw_attrs), at), out_len))
        pos = match.end()
    if stack:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    _merge_pre_code(entities)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _merge_pre_code(entities: list[Entity]) -> None:
    """<pre><code class="language-x"> is one ``pre`` entity with a language."""
    for pre in [e for e in entities if e["type"] == "pre"]:
        for code in [e for e in entities if e["type"] == "code"]:
            if (code["offset"], code["length"]) == (pre["offset"], pre["length"]):
                if "language" in code:
                    pre["language"] = code["language"]
                entities.remove(code)


# --- MarkdownV2 -------------------------------------------------------------

_RESERVED = set("_*[]()~`>#+-=|{}.!")
_TOGGLES = [
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
]


def _find_unescaped(source: str, char: str, start: int) -> int:
    """Index of the next `char` not escaped by a backslash, or -1."""
    i = start
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == char:
            return i
        i += 1
    return -1


def parse_markdown_v2(source: str, *, legacy: bool = False) -> tuple[str, list[Entity]]:
    """MarkdownV2 as documented; `legacy` relaxes the reserved-character rule."""
    out: list[str] = []
    out_len = 0
    stack: list[tuple[str, int, int]] = []  # (type, start offset, byte offset of marker)
    entities: list[Entity] = []
    i, n = 0, len(source)

    def emit(chunk: str) -> None:
        nonlocal out_len
        out.append(chunk)
        out_len += utf16_len(chunk)

    def byte_at(index: int) -> int:
        return len(source[:index].encode())

    while i < n:
        c = source[i]
        if c == "\\" and i + 1 < n:
            emit(source[i + 1])
            i += 2
            continue
        if source.startswith("```", i):
            end = source.find("```", i + 3)
            if end < 0:
                raise parse_error(f"Can't find end of Pre entity at byte offset {byte_at(i)}")
            body = source[i + 3 : end]
            language = ""
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            body = re.sub(r"\\(.)", r"\1", body)
            entity: Entity = {"type": "pre", "offset": out_len, "length": utf16_len(body)}
            if language:
                entity["language"] = language
            emit(body)
            if entity["length"]:
                entities.append(entity)
            i = end + 3
            continue
        if c == "`":
            end = _find_unescaped(source, "`", i + 1)
            if end < 0:
                raise parse_error(f"Can't find end of Code entity at byte offset {byte_at(i)}")
            body = re.sub(r"\\(.)", r"\1", source[i + 1 : end])
            if body:
                entities.append({"type": "code", "offset": out_len, "length": utf16_len(body)})
            emit(body)
            i = end + 1
            continue
        toggle = next(((m, t) for m, t in _TOGGLES if source.startswith(m, i)), None)
        if toggle is not None:
            marker, kind = toggle
            open_index = next(
                (k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == kind), None
            )
            if open_index is None:
                stack.append((kind, out_len, byte_at(i)))
            else:
                _, start, _ = stack.pop(open_index)
                if out_len > start:
                    entities.append({"type": kind, "offset": start, "length": out_len - start})
            i += len(marker)
            continue
        if c == "[":
            stack.append(("text_link", out_len, byte_at(i)))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] == "text_link" and source.startswith("(", i + 1):
            end = _find_unescaped(source, ")", i + 2)
            if end < 0:
                raise parse_error(f"Can't find end of a URL at byte offset {byte_at(i)}")
            _, start, _ = stack.pop()
            url = re.sub(r"\\(.)", r"\1", source[i + 2 : end])
            if out_len > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": out_len - start, "url": url}
                )
            i = end + 1
            continue
        if c == ">" and (i == 0 or source[i - 1] == "\n"):
            i += 1  # blockquote marker: accepted, not modelled as an entity
            continue
        if c in _RESERVED and not legacy:
            raise parse_error(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(c)
        i += 1
    if stack:
        kind, _, at = stack[-1]
        name = "".join(part.capitalize() for part in kind.split("_"))
        raise parse_error(f"Can't find end of {name} entity at byte offset {at}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities

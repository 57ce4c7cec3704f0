"""Read the plan's number, date, issuer and year from its heading text.

Vietnamese administrative documents follow Decree 30/2020 layout: "Số:
10/KH-UBND", "Vĩnh Khê, ngày 15 tháng 01 năm 2024", a title "KẾ HOẠCH" +
subject line, and annexes say "(Kèm theo Kế hoạch số 10/KH-UBND ngày
15/01/2024 của UBND xã Vĩnh Khê)". Drafts leave blanks ("Số: /QĐ-UBND",
"ngày tháng 5 năm 2023"): a blank is None, never a guess.
"""

from __future__ import annotations

import re
from datetime import date

from plans.importing.model import PlanMeta
from plans.regex import lazy_compile
from plans.text import ascii_key, nfc

_LEVELS = r"(?:xã|phường|thị trấn|thị xã|huyện|quận|thành phố|tỉnh)"
_NAME = r"(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)(?:\s+[A-ZĐÀ-Ỹ0-9][\wÀ-ỹ]*){0,4}"

RE_NUMBER = lazy_compile(r"\bSố\s*:\s*(\S*)", re.IGNORECASE)
RE_ANNEX_NUMBER = lazy_compile(
    r"\b(?:Kế hoạch|Quyết định|Báo cáo)\s+số\s*:?\s*(\S+)", re.IGNORECASE
)
RE_DATE_LONG = lazy_compile(
    r"(?:(?P<place>[^,\n()]{2,40}),\s*)?ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})",
    re.IGNORECASE,
)
RE_PLACE_DATE = lazy_compile(r"^[^,()\d]{2,40},\s*ngày\b", re.IGNORECASE)
RE_DATE_SHORT = lazy_compile(r"ngày\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", re.IGNORECASE)
RE_ORG = lazy_compile(
    r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+"
    rf"(?P<level>{_LEVELS})\s+(?P<name>{_NAME})",
    re.IGNORECASE,
)
RE_TITLE_ORG = lazy_compile(rf"\b(?P<level>{_LEVELS})\s+(?P<name>{_NAME})")
RE_UPPER_TITLE_ORG = lazy_compile(
    rf"\b(?P<level>{_LEVELS})\s+(?P<name>[\wÀ-ỹ ]+?)(?=\s+(?:năm|giai đoạn)\b|\s*$)"
)
RE_YEAR = lazy_compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
RE_UPPER_ORG = lazy_compile(
    rf"^(?:ỦY|UỶ) BAN NHÂN DÂN\s+(?P<level>{_LEVELS})\s+(?P<name>.+)$", re.I
)


def clean_number(raw: str) -> str | None:
    """ "10/KH-UBND" as is; "322KH-UBND" → "322/KH-UBND"; "/QĐ-UBND" → None."""
    value = raw.strip().strip(".,;:*()")
    value = value.replace("**", "")
    if not value or not re.match(r"^\d", value):
        return None
    m = re.match(r"^(\d+)([A-ZĐ][A-ZĐa-z0-9-]*)$", value)
    if m:  # the slash was lost in typing or conversion
        value = f"{m.group(1)}/{m.group(2)}"
    return value


def _title_case_name(name: str) -> str:
    words = name.split()
    return " ".join(w if not w.isupper() else w[:1] + w[1:].lower() for w in words)


def _org(level: str, name: str) -> str:
    level = level.lower()
    name = re.sub(r"\s+(năm|giai đoạn|và|về|ban hành|của)\b.*$", "", name, flags=re.I).strip()
    return f"UBND {level} {_title_case_name(name)}".strip()


def _valid_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def read_meta(
    lines: list[str], *, year: int | None = None, organization: str | None = None
) -> PlanMeta:
    """Extract PlanMeta from the document's text lines (explicit args win)."""
    lines = [nfc(re.sub(r"\s+", " ", line.replace("**", ""))).strip() for line in lines]
    lines = [line for line in lines if line]
    number: str | None = None
    issued: date | None = None
    place: str | None = None
    doc_year: int | None = None
    title: str | None = None
    org: str | None = None
    number_seen = False

    # The place-and-date line ("Vĩnh Khê, ngày 15 tháng 01 năm 2024") first;
    # only without it, any early "ngày … tháng … năm …" outside citations.
    dated = [line for line in lines[:60] if RE_PLACE_DATE.match(line)]
    dated += [
        line
        for line in lines[:15]
        if not line.lower().startswith(("căn cứ", "thực hiện", "theo", "(kèm", "(ban hành"))
    ]
    for line in lines[:60]:
        m = RE_NUMBER.search(line)
        if m and not number_seen:
            number_seen = True
            number = clean_number(m.group(1))
    for line in dated:
        m = RE_DATE_LONG.search(line)
        if m and issued is None and doc_year is None:
            y = int(m.group("y"))
            if m.group("d") and m.group("m"):
                issued = _valid_date(y, int(m.group("m")), int(m.group("d")))
            doc_year = y
            raw_place = (m.group("place") or "").strip(" *_-")
            if raw_place and len(raw_place.split()) <= 6:
                place = raw_place

    # The annex line "(Kèm theo Kế hoạch số 10/KH-UBND ngày 15/01/2024 của UBND xã X)".
    for line in lines:
        key = ascii_key(line)
        if "kem theo" not in key:
            continue
        m = RE_ANNEX_NUMBER.search(line)
        if m and number is None and not number_seen:
            number = clean_number(m.group(1))
        m = RE_DATE_SHORT.search(line)
        if m and issued is None:
            issued = _valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = RE_DATE_LONG.search(line)
        if m and issued is None and m.group("d") and m.group("m"):
            issued = _valid_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        m = RE_ORG.search(line)
        if m and org is None:
            org = _org(m.group("level"), m.group("name"))
        break

    # Title: the line after "KẾ HOẠCH" (or the first line naming the plan).
    for i, line in enumerate(lines[:60]):
        key = ascii_key(line).strip(" .:")
        if key in ("ke hoach", "ke hoach chi tiet") and i + 1 < len(lines):
            title = lines[i + 1]
            break
        if key.startswith("ke hoach ") and RE_YEAR.search(line) and "so" not in key.split()[:3]:
            title = line
            break
    if title is None:
        for line in lines[:60]:
            key = ascii_key(line)
            if ("cai cach hanh chinh" in key or "cchc" in key) and RE_YEAR.search(line):
                title = line
                break
    if title:
        m = RE_TITLE_ORG.search(title)
        if m is None and title.upper() == title:
            lowered = title.lower()
            found = RE_UPPER_TITLE_ORG.search(lowered)
            if found and org is None:
                org = _org(found.group("level"), found.group("name").title())
        if m and org is None:
            org = _org(m.group("level"), m.group("name"))
        m = RE_YEAR.search(title)
        if m:
            doc_year = int(m.group(1))
    if org is None:
        for line in lines[:10]:
            m = RE_UPPER_ORG.match(line)
            if m:
                org = _org(m.group("level"), m.group("name"))
                break
    if doc_year is None:
        for line in lines[:60]:
            m = RE_YEAR.search(line)
            if m and "kem theo" not in ascii_key(line):
                doc_year = int(m.group(1))
                break
    if doc_year is None and issued is not None:
        doc_year = issued.year
    return PlanMeta(
        number=number,
        issued_on=issued,
        year=year if year is not None else doc_year,
        organization=organization if organization is not None else org,
        title=title,
        place=place,
    )

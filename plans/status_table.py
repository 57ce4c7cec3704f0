"""The progress table ("TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ CCHC …") as plain data.

The clerk attaches this table to every periodic CCHC report (seed 002's
appendix). The database layer fills these dataclasses; the renderers in
``export_docx``, ``export_xlsx``, ``export_csv`` only read them, so the
layout can be tested without a database and the data without a layout.

The table is language-free data: the period, the plan's number and date and
each row's status and note, never a sentence. The text helpers here (title,
subtitle, column labels, the "Đã thực hiện" cell, summary sentence, percent
formatting) write it in the reader's language and are shared by every
renderer, so the .docx, the .xlsx and the .csv of one table always say
exactly the same thing; one table serves readers of every language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_percent

from locales import normalize_language, t
from plans.calendar import ReportingPeriod, fold
from plans.completion import Standing, StandingCounts, standing_sentence
from plans.regex import lazy_compile

# Column order of the seed 002 appendix; each key is ``export.col.<key>``.
COLUMN_KEYS: tuple[str, ...] = (
    "ordinal",
    "content",
    "lead_units",
    "coordinating_units",
    "deadline",
    "done",
    "output",
    "percent",
)

# Organization kinds as written in Vietnamese → catalog slug for the issuer.
_KIND_SLUGS: dict[str, str] = {
    "xã": "commune",
    "phường": "ward",
    "thị trấn": "township",
    "huyện": "district",
    "quận": "urban_district",
    "thị xã": "town",
    "thành phố": "city",
    "tỉnh": "province",
}

# Characters Word and Excel refuse in XML (C0 controls except tab/newline/CR).
_XML_ILLEGAL = lazy_compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class DoneCell:
    """What the "Đã thực hiện" cell is written from (:func:`done_cell_text`)."""

    status_text: str | None  # "Đã ban hành", as the officer or the plan gave it
    note: str | None  # what was done, in the person's own words
    percent: int | None  # the latest figure: "đang thực hiện" / "chưa thực hiện" without a status
    done: bool  # done by its own figure or status ("hoàn thành" without a status)

    def text(self, lang: str = "vi") -> str:
        return done_cell_text(self.status_text, self.note, self.percent, self.done, lang)


@dataclass(frozen=True, slots=True)
class PlanRef:
    """The plan the table reports on: 'Kế hoạch số 10/KH-UBND ngày 15/01/2024'."""

    number: str  # "10/KH-UBND"
    issued_on: date | None  # None when the plan states no date

    def text(self, lang: str = "vi") -> str:
        return plan_ref_text(self.number, self.issued_on, lang)


@dataclass(slots=True)
class StatusRow:
    """One task line of the table, as the chairman will sign it."""

    ordinal: str  # "1", "2", … or a PAR INDEX criterion code ("2.1.1")
    content: str
    lead_units: str
    coordinating_units: str
    deadline_text: str  # as written in the plan ("Quý 2/2024", "Thường xuyên")
    done_cell: DoneCell | None  # "Đã thực hiện" column; None: blank (no figure in the period)
    output: str  # "Sản phẩm đầu ra": "Kế hoạch số 15/KH-UBND ngày 14/02/2024"
    percent: int | None  # None → blank cell (no update in the period)
    task_id: int | None = None
    # The completion rules live elsewhere (recurring tasks, "đã ban hành");
    # None means "done iff percent reached 100".
    done: bool | None = None
    # Where the task stands for the period (plans.completion.standing); None for
    # tables built without the rules (PAR INDEX, hand-made tests).
    standing: Standing | None = None
    # A criterion group's heading row ("2.1 Theo dõi thi hành pháp luật"): printed
    # above its criteria, never counted as a task.
    group: bool = False

    @property
    def is_done(self) -> bool:
        if self.done is not None:
            return self.done
        return self.percent is not None and self.percent >= 100


@dataclass(slots=True)
class StatusSection:
    """A field (lĩnh vực): the Roman-numbered row spanning the whole table."""

    key: str  # "I", "II", …
    title: str  # "Công tác chỉ đạo, điều hành"
    rows: list[StatusRow] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """'I. Công tác chỉ đạo, điều hành' — the text of the merged row."""
        key = self.key.strip().rstrip(".")
        return f"{key}. {self.title.strip()}" if key else self.title.strip()


@dataclass(slots=True)
class StatusTable:
    """Everything one appendix needs; one table per organization and period."""

    organization: str  # "Kim Thạch"
    organization_kind: str  # "xã", "phường", "huyện", …
    year: int
    period: ReportingPeriod | None  # "6 tháng đầu năm 2024"; None: the year's table
    report_ref: str | None  # "Báo cáo số 40/BC-UBND ngày 09/6/2024" or None
    sections: list[StatusSection]
    generated_on: date
    plan: PlanRef | None = None  # "Kế hoạch số 10/KH-UBND ngày 15/01/2024"
    # From the sent-report record (storage.report_records): once the plan
    # keeper marks the report sent, every re-export carries its number/date.
    report_number: str | None = None  # "45/BC-UBND"
    report_date: date | None = None

    @property
    def period_code(self) -> str | None:
        """'2024-H1': names the files of different periods apart."""
        return self.period.code if self.period is not None else None

    def period_text(self, lang: str = "vi") -> str:
        """'6 tháng đầu năm 2024' / 'first half of 2024'; empty for a year's table."""
        return self.period.label(lang) if self.period is not None else ""

    def plan_text(self, lang: str = "vi") -> str:
        """The plan's reference, or 'Kế hoạch CCHC năm 2024' when it has no number."""
        return clean_text(self.plan.text(lang)) if self.plan else plan_default(self, lang)

    def standing_counts(self) -> StandingCounts | None:
        """Done / on track / behind / overdue / not started over the rows (None without rules)."""
        rows = self.rows()
        if not rows or any(row.standing is None for row in rows):
            return None
        return StandingCounts.of(row.standing for row in rows if row.standing is not None)

    def rows(self) -> list[StatusRow]:
        """The task rows (criterion group headings left out: they are not tasks)."""
        return [row for section in self.sections for row in section.rows if not row.group]

    def summary_counts(self) -> tuple[int, int]:
        """(done, total) — the "27/32" a chairman reads first."""
        rows = self.rows()
        return sum(1 for row in rows if row.is_done), len(rows)

    def summary_sentence(self, lang: str = "vi") -> str:
        """The sentence under the table, e.g. '… 27/32 nhiệm vụ …, đạt 84,4%.'"""
        done, total = self.summary_counts()
        period = clean_text(self.period_text(lang))
        if total == 0:
            return t("export.summary.empty", lang, period=period)
        counts = self.standing_counts()
        if counts is not None:
            # "…, UBND xã X đã hoàn thành 17/32 nhiệm vụ, 10 nhiệm vụ đang thực hiện đúng
            # tiến độ, 5 nhiệm vụ chậm tiến độ." -- the way the commune's report writes it.
            return t(
                "figures.table.summary",
                lang,
                period=period,
                plan=self.plan_text(lang),
                issuer=issuer_text(self, lang),
                sentence=standing_sentence(counts, lang),
            )
        return t(
            "export.summary",
            lang,
            period=period,
            done=done,
            total=total,
            plan=self.plan_text(lang),
            issuer=issuer_text(self, lang),
            percent=format_ratio(done, total, lang),
        )


# --------------------------------------------------------------------------
# Text shared by every renderer.


def done_cell_text(
    status_text: str | None, note: str | None, percent: int | None, done: bool, lang: str
) -> str:
    """The "Đã thực hiện" cell: the status, then what was done in the person's own words.

    The officer's note ("đã tổ chức tập huấn cho 25 cán bộ") and an imported
    remark ("6 tháng đầu năm chưa có thanh kiểm tra") are what a reader of the
    appendix needs; a bare status word is not. Lines are kept as written.
    """
    lines: list[str] = []
    if status_text:
        lines.append(status_text)
    elif done:
        lines.append(t("chairman.table.done", lang))
    elif percent:
        lines.append(t("chairman.table.in_progress", lang))
    elif percent == 0:
        lines.append(t("chairman.table.not_started", lang))
    note = (note or "").strip()
    if note and not any(fold(note) == fold(line) for line in lines):
        lines.append(note)
    return "\n".join(lines)


def plan_ref_text(number: str, issued_on: date | None, lang: str) -> str:
    """'Kế hoạch số 10/KH-UBND ngày 15/01/2024' (no date when the plan states none)."""
    if issued_on is not None:
        return t(
            "chairman.table.plan_ref",
            lang,
            number=number,
            date=issued_on.strftime("%d/%m/%Y"),
        )
    return t("chairman.table.plan_ref_nodate", lang, number=number)


def organization_kind_word(kind: str) -> str:
    """'xã', 'phường' … for an ``OrgKind`` value: the appendix is written in Vietnamese."""
    return t(f"org.kind.{kind}", "vi")


def clean_text(value: object) -> str:
    """NFC text with the control characters Word/Excel reject removed.

    User text goes into XML; a stray ``\\x0b`` pasted from Word would make
    python-docx and openpyxl raise, and a whole report fail for one cell.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def format_ratio(done: int, total: int, lang: str = "vi", decimals: int = 1) -> str:
    """'84,4%' (vi) / '84.4%' (en) for 27/32, rounded half up as people count."""
    if total <= 0:
        return format_percent_value(0, lang, decimals)
    return format_percent_value(Decimal(done) * 100 / Decimal(total), lang, decimals)


def format_percent_value(value: float | int | Decimal, lang: str = "vi", decimals: int = 1) -> str:
    """Format a 0..100 percentage in the reader's locale ('84,4%', '100%').

    Rounded half up first (Babel rounds half-even, and 84,45 must read 84,5%).
    """
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "") + "%"
    return format_percent(rounded / 100, pattern, locale=normalize_language(lang))


def percent_cell_text(row: StatusRow, lang: str = "vi") -> str:
    """'100%' or '' — what the Tỷ lệ hoàn thành column shows."""
    if row.percent is None:
        return ""
    return format_percent_value(row.percent, lang, decimals=0)


def column_labels(lang: str = "vi") -> list[str]:
    return [t(f"export.col.{key}", lang) for key in COLUMN_KEYS]


def row_cells(row: StatusRow, lang: str = "vi") -> list[str]:
    """The eight cell texts of a task row, in column order."""
    return [
        clean_text(row.ordinal),
        clean_text(row.content),
        clean_text(row.lead_units),
        clean_text(row.coordinating_units),
        clean_text(row.deadline_text),
        clean_text(row.done_cell.text(lang) if row.done_cell is not None else ""),
        clean_text(row.output),
        percent_cell_text(row, lang),
    ]


def appendix_label_text(lang: str = "vi") -> str:
    """'PHỤ LỤC' — the line above the title: the table is an appendix of a report."""
    return t("export.appendix", lang)


def title_text(table: StatusTable, lang: str = "vi") -> str:
    """'TIẾN ĐỘ THỰC HIỆN … 6 THÁNG ĐẦU NĂM 2024': the period, not only the year."""
    period = " ".join(clean_text(table.period_text(lang)).split())
    if not period:
        return t("export.title", lang, year=table.year)
    return t("export.title.period", lang, period=period.upper())


def decree_date_text(day: date, lang: str = "vi") -> str:
    """'ngày 03 tháng 6 năm 2024' as Nghị định 30/2020 writes a date.

    Days below 10 and the months 1 and 2 take a leading zero ("ngày 08 tháng
    02"); other months do not ("tháng 6"), as in the decree's own examples.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return t("export.date", lang, day=f"{day.day:02d}", month=month, year=day.year)


def _kind_and_name(table: StatusTable) -> tuple[str, str]:
    kind = " ".join(clean_text(table.organization_kind).split())
    name = " ".join(clean_text(table.organization).split())
    # "xã Kim Thạch" given as the name: do not print "UBND xã xã Kim Thạch".
    if kind and name.casefold().startswith(kind.casefold() + " "):
        name = name[len(kind) + 1 :].strip()
    return kind, name


def issuer_text(table: StatusTable, lang: str = "vi") -> str:
    """'UBND xã Kim Thạch' / "the People's Committee of Kim Thạch Commune"."""
    kind, name = _kind_and_name(table)
    slug = _KIND_SLUGS.get(kind.casefold())
    if slug is None:
        return " ".join(t("export.issuer.other", lang, kind=kind, name=name).split())
    return t(f"export.issuer.{slug}", lang, name=name)


def plan_default(table: StatusTable, lang: str = "vi") -> str:
    return t("export.plan.default", lang, year=table.year)


def report_ref_text(table: StatusTable, lang: str = "vi") -> str:
    """The report reference: the sent-report record's number and date, else blanks.

    The clerk numbers the report only when it is signed, so until the plan
    keeper records it as sent the appendix leaves the number dotted, to fill
    by hand, and dates itself on generation.
    """
    number = " ".join(clean_text(table.report_number).split())
    if number or table.report_date is not None:
        return t(
            "export.report_ref.sent",
            lang,
            number=number or "......",
            date=decree_date_text(table.report_date or table.generated_on, lang),
        )
    if table.report_ref and table.report_ref.strip():
        return clean_text(table.report_ref.strip())
    return t("export.report_ref.blank", lang, date=decree_date_text(table.generated_on, lang))


def subtitle_text(table: StatusTable, lang: str = "vi") -> str:
    """'(Kèm theo Báo cáo số ....../BC-UBND ngày … của UBND xã …)'.

    A report is sent, not "ban hành" (issued) like a decision: "Kèm theo".
    """
    return t(
        "export.subtitle",
        lang,
        report_ref=report_ref_text(table, lang),
        issuer=issuer_text(table, lang),
    )


def ascii_slug(text: str) -> str:
    """'Kim Thạch' → 'kim-thach' (đ → d), for file names Telegram shows."""
    text = clean_text(text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# Period kinds in file names: tien-do-cchc-vinh-khe-6thang-2024.xlsx
_PERIOD_SLUGS = {"Q1": "quy1", "Q2": "quy2", "Q3": "quy3", "Q4": "quy4", "H1": "6thang"}
_PERIOD_SLUGS |= {"M9": "9thang", "Y": "nam"}


def suggested_filename(table: StatusTable, extension: str) -> str:
    """'tien-do-cchc-vinh-khe-6thang-2024.xlsx' — ASCII; the period tells two files apart.

    Without a period code: 'tien-do-cchc-2024-kim-thach-2024-06-12.docx'.
    """
    slug = ascii_slug(_kind_and_name(table)[1]) or "ubnd"
    if table.period_code:
        year, _, kind = table.period_code.partition("-")
        period = _PERIOD_SLUGS.get(kind, ascii_slug(kind))
        return f"tien-do-cchc-{slug}-{period}-{year}.{extension.lstrip('.')}"
    stamp = table.generated_on.isoformat()
    return f"tien-do-cchc-{table.year}-{slug}-{stamp}.{extension.lstrip('.')}"

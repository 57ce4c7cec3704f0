"""Phrases the bot's messages share, written as an administrative document writes them.

A week is "từ 03/6 đến 09/6/2024", not the ISO "2024-W23" nobody in a
commune office reads; days below 10 and the months 1 and 2 take a leading
zero (Nghị định 30/2020), other months do not.
"""

from __future__ import annotations

from datetime import date, timedelta

from locales import t


def short_date(day: date, *, with_year: bool) -> str:
    """'03/6', '08/02', or with the year '09/6/2024'."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"{day.day:02d}/{month}"
    return f"{text}/{day.year}" if with_year else text


def week_range(monday: date, lang: str | None = None) -> str:
    """'từ 03/6 đến 09/6/2024' for the week starting ``monday``."""
    sunday = monday + timedelta(days=6)
    return t(
        "reportcycle.week_range",
        lang,
        start=short_date(monday, with_year=monday.year != sunday.year),
        end=short_date(sunday, with_year=True),
    )


def week_from_subject(subject: str, lang: str | None = None) -> str:
    """The week of a 'week:2024-W23' subject as a range; the raw text if it is not one."""
    raw = subject.removeprefix("week:")
    try:
        year, week = raw.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return raw
    return week_range(monday, lang)

"""How raw table values read on screen: numbers, dates, yes/no, blanks. Plain text only."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QLocale

from linkdesk.core.tables import Column, Kind
from linkdesk.core.words import plural


def ui_locale() -> QLocale:
    """The user's locale for numbers; the "C" locale (no digit grouping) reads as English.

    Without a locale set (LANG=C, CI, some containers) a million would read "1000000".
    """
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return locale


def display_text(column: Column, value: Any, locale: QLocale | None = None) -> str:
    """The text a cell shows for `value` (raw, from `TableQuery.rows`)."""
    if value is None:
        return column.unknown
    kind = column.kind
    if kind is Kind.BOOL:
        return "Yes" if value else ""  # "No" in every row would only be noise
    if kind is Kind.LABEL:
        return column.label(value)
    if kind is Kind.NUMBER:
        return number_text(value, locale, decimals=column.decimals)
    if kind is Kind.PERCENT:
        return number_text(value, locale, decimals=1) + "%"
    text = str(value)
    if text == "":
        return column.blank
    # A table row is one line: line breaks and tabs from imported text would cut it.
    return " ".join(text.split()) if ("\n" in text or "\t" in text or "\r" in text) else text


def is_stand_in(column: Column, value: Any) -> bool:
    """Whether the cell shows a stand-in such as "(no anchor text)" (drawn dimmed)."""
    if value is None:
        return bool(column.unknown)
    return value == "" and bool(column.blank)


def number_text(value: Any, locale: QLocale | None = None, decimals: int | None = None) -> str:
    """A number in the user's locale: whole numbers without decimals, others with one."""
    locale = locale or ui_locale()
    number = float(value)
    if decimals is None:
        decimals = 0 if number.is_integer() else 1
    if decimals == 0 and abs(number) < 2**53:
        return locale.toString(round(number))
    return locale.toString(number, "f", decimals)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally.

    Qt renders a tooltip as HTML when it looks like HTML; imported text (a page title such
    as "<b>Free</b> widgets") must never be interpreted, so it is escaped into rich text.
    """
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


def counted(count: int, word: str, locale: QLocale | None = None, many: str | None = None) -> str:
    """A count in the user's locale with the word in the right number: "1 row", "2,048 rows"."""
    return f"{(locale or ui_locale()).toString(count)} {plural(count, word, many)}"

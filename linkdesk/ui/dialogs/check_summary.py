"""The summary after a live check, in plain words: how many links on how many pages, live,
missing, errors, and what changed since each link's previous check."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QWidget

from linkdesk.core.checker import LIVE, MISSING, STATUSES
from linkdesk.core.tables import STATUS_TITLES
from linkdesk.ui.dialogs.messages import TextReport
from linkdesk.ui.format import counted, ui_locale
from linkdesk.ui.workers.checker import ERRORS, CheckResult


def check_headline(result: CheckResult, locale: QLocale | None = None) -> str:
    """E.g. "Checked 12 links on 9 pages: 8 live, 2 missing, 2 with errors. 3 changed since
    their last check." """
    locale = locale or ui_locale()
    summary, n = result.summary, locale.toString
    if summary.run_id is None:
        return "There were no links to check."
    by = summary.by_status
    errors = sum(by.get(status, 0) for status in ERRORS)
    text = (f"Checked {counted(summary.links, 'link', locale)} on "
            f"{counted(summary.pages, 'page', locale)}: {n(by.get(LIVE, 0))} live, "
            f"{n(by.get(MISSING, 0))} missing, {n(errors)} with errors.")
    if summary.cancelled:
        left = summary.links_selected - summary.links
        text += (f" Stopped: {counted(left, 'link', locale)} left unchecked; the links "
                 "checked keep their results.")
    if result.change_count:
        text += (f" {counted(result.change_count, 'link', locale)} changed since "
                 "their last check.")
    else:
        text += " No changes since the last check."
    return text


def check_report(result: CheckResult, locale: QLocale | None = None) -> str:
    """Links per status, then each change (source → target: what changed)."""
    locale = locale or ui_locale()
    summary = result.summary
    lines = [f"{STATUS_TITLES[status]}: {locale.toString(summary.by_status.get(status, 0))}"
             for status in STATUSES if summary.by_status.get(status, 0)]
    if result.changes:
        lines += ["", "Changes since the last check:"]
        lines += [f"{change.source_url} → {change.target_url}: {'; '.join(change.what)}"
                  for change in result.changes]
        hidden = result.change_count - len(result.changes)
        if hidden > 0:
            lines.append(f"… and {locale.toString(hidden)} more (filter the Check column)")
    return "\n".join(lines)


def show_check_summary(parent: QWidget | None, result: CheckResult) -> TextReport:
    """The window-modal summary after a check."""
    title = "Check stopped" if result.summary.cancelled else "Check finished"
    dialog = TextReport(title, check_headline(result), check_report(result), parent)
    dialog.setObjectName("checkSummary")
    dialog.open()
    return dialog

"""The report's "Links placed for you" section, as HTML for both the PDF and the HTML file.

Written for the client: statuses, kinds of link and rel values in plain words
(core/report/texts.py), never the ledger's field names. Counts by status and by kind, what was
spent (never adding different currencies), what each strong website cost, every placement
with what differs from the agreement, and what comes up for renewal. Built with html.py's
table and escaping, so rows are kept whole across PDF pages as every other table's are.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from linkdesk.core.report.placements import PLACEMENT_ROWS, PlacedLink, PlacementsReport
from linkdesk.core.report.texts import text
from linkdesk.core.text import clip
from linkdesk.ui.report.html import _e, _more, _table, number, percent

ZERO_WIDTH_SPACE = "\u200b"  # lets a long address wrap at its slashes, not overflow the page


def placements_section(report: PlacementsReport, site: str) -> list[str]:
    """The section's HTML parts (its own page in the PDF)."""
    intro = (text("placements_intro_one", site=site) if report.total == 1
             else text("placements_intro", count=number(report.total), site=site))
    out = [f"<h2 class='break'>{_e(text('placements'))}</h2>", f"<p>{_e(intro)}</p>",
           f"<h3>{_e(text('placements_status_title'))}</h3>"]
    rows = [[text(f"placement_{status}"), number(count), percent(count, report.total)]
            for status, count in report.by_status.items() if count]
    rows.append([text("total"), number(report.total), "100%"])
    out.append(_table([text("col_result"), text("col_placed_links"), text("col_share")],
                          rows, numeric={1, 2}, total=True))
    attention = sum(report.by_status.get(s, 0) for s in ("changed", "missing", "gone",
                                                            "expired"))
    said = (text("placements_attention_one") if attention == 1
            else text("placements_attention", count=number(attention)) if attention
            else text("placements_all_well"))
    out.append(f"<p>{_e(said)}</p>")
    out += _kinds_and_spend(report)
    out.append(f"<h3>{_e(text('placements_list_title'))}</h3>")
    shown = report.rows[:PLACEMENT_ROWS]
    rows = [[_page(row), _day(row.placed_on), text(f"placement_{row.status}"), _differs(row),
             _money({row.currency: row.price} if row.price is not None else {})]
            for row in shown]
    head = [text("col_page"), text("col_placed"), text("col_result"), text("col_differs"),
            text("col_price")]
    if not any(row[3] for row in rows):  # an empty column took the room the pages lacked
        head, rows = [c for i, c in enumerate(head) if i != 3], [r[:3] + r[4:] for r in rows]
    out.append(_table(head, rows, numeric={len(head) - 1}))
    out.append(_more(report.total, len(shown)))
    out += _expiring(report)
    return out


def _kinds_and_spend(report: PlacementsReport) -> list[str]:
    out = [f"<h3>{_e(text('placements_types_title'))}</h3>"]
    rows = [[text(f"placement_type_{kind}"), number(count),
             _money(report.spend_by_type.get(kind, {}))]
            for kind, count in report.by_type.items()]
    out.append(_table([text("col_kind"), text("col_placed_links"), text("col_spent")],
                          rows, numeric={1, 2}))
    said = [text("placements_spend", spend=_money(report.spend)) if report.spend
            else text("placements_spend_none")]
    if not report.strong_domains:
        said.append(text("placements_strong_none"))
    elif not report.strong_spend:
        said.append(text("placements_strong_unpriced", count=number(report.strong_domains)))
    elif report.strong_domains == 1:
        said.append(text("placements_strong_one", spend=_money(report.strong_spend)))
    elif len(report.strong_spend) > 1 or sum(report.strong_priced.values()) != \
            report.strong_domains:  # an average over some of them only would mislead
        said.append(text("placements_strong_total", count=number(report.strong_domains),
                         spend=_money(report.strong_spend)))
    else:
        said.append(text("placements_strong", count=number(report.strong_domains),
                         spend=_money(report.strong_spend),
                         each=_money(report.per_strong_domain)))
    out += [f"<p>{_e(sentence)}</p>" for sentence in said]
    return out


def _expiring(report: PlacementsReport) -> list[str]:
    out = [f"<h3>{_e(text('placements_expiring_title'))}</h3>"]
    if not report.expiring:
        return [*out, f"<p>{_e(text('placements_expiring_none', days=report.expiry_days))}</p>"]
    out.append(f"<p>{_e(text('placements_expiring', days=report.expiry_days))}</p>")
    # As long as the list of placements at most: a ledger renewed all at once had made a
    # table of 70,000 rows (minutes of layout, a PDF of thousands of pages).
    shown = report.expiring[:PLACEMENT_ROWS]
    out.append(_table(
        [text("col_page"), text("col_ends"), text("col_price")],
        [[_page(row), _day(row.expires_on),
          _money({row.currency: row.price} if row.price is not None else {})]
         for row in shown], numeric={2}))
    out.append(_more(len(report.expiring), len(shown)))
    return out


def _page(row: PlacedLink) -> str:
    """The page without its scheme, breakable at its slashes; or the website, said so."""
    if "://" not in row.page:
        return text("placement_website", domain=row.page)
    address = row.page.split("://", 1)[1]
    return address.replace("/", "/" + ZERO_WIDTH_SPACE).replace("?", ZERO_WIDTH_SPACE + "?")


def _day(day: str | None) -> str:
    """"2 Mar 2026"; a dash when there is none."""
    if not day:
        return text("no_price")
    try:
        read = datetime.date.fromisoformat(day)
    except ValueError:  # a damaged date in the project: shown as it is
        return day
    return f"{read.day} {read:%b %Y}"


def _money(amounts: Mapping[str, float | None]) -> str:
    """"120 EUR + 80.50 USD" (currencies are never added together); a dash for none."""
    parts = []
    for currency, amount in amounts.items():
        if amount is None:
            continue
        shown = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
        parts.append(f"{shown} {currency or text('no_currency')}")
    return " + ".join(parts) or text("no_price")


def _differs(row: PlacedLink) -> str:
    """What differs from the agreement, in words; empty when nothing does."""
    said = []
    for what in row.differences:
        if what == "rel":
            said.append(text("differs_rel",
                             found=text(f"placement_rel_{row.found_rel or 'follow'}"),
                             agreed=text(f"placement_rel_{row.agreed_rel}")))
        elif what == "anchor":
            said.append(text("differs_anchor", found=clip(row.found_anchor or ""),
                             agreed=clip(row.agreed_anchor)))
        elif what == "target":
            said.append(text("differs_target"))
    return "; ".join(said)

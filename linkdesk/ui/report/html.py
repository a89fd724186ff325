"""The client report as HTML: one builder for the HTML file and for the PDF (QTextDocument).

Only the subset of HTML and CSS that Qt's rich text engine understands is used (tables with
cellpadding, colours, page-break-before), so the PDF and the HTML file show the same
document. Every value from the data is escaped (`_e`): an anchor or a domain name is text,
never markup. Every sentence comes from core/report/texts.py.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence

from linkdesk.core.report import DomainTable, ReportData
from linkdesk.core.report.data import long_date
from linkdesk.core.report.texts import (
    ENGLISH,
    FLAG_WORDS,
    SIGNAL_WORDS,
    counted_text,
    hint_text,
    text,
)
from linkdesk.core.scoring import BANDS
from linkdesk.core.text import clip
from linkdesk.ui.report.charts import ChartImage

TOP_ANCHORS = 10
# A cell shows at most this much of a value: a 100,000-character anchor from an export or a
# live page made a 9-page report 161 pages long.
CELL_CHARS = 300
ImageSource = Callable[[ChartImage], str]  # the src of a chart's <img>


# Left out of every value: controls (a NUL or an escape from a file is no text for a client)
# and text-direction overrides, embeddings and isolates: an anchor holding U+202E would show
# the rest of its sentence backwards ("agreed …" read from right to left), a page address
# `…/‮gnp.exe` as ending in .png. Tabs and line breaks are whitespace to HTML.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _e(value: object) -> str:
    return html.escape(_HIDDEN.sub("", str(value)), quote=True)


def number(value: float) -> str:
    """12,345 (counts) or 2.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def percent(part: float, whole: float) -> str:
    """A share with one decimal: "34.6%" ("0%" of nothing)."""
    return f"{100.0 * part / whole:.1f}%" if whole else "0%"


def _band_name(band: int | None) -> str:
    return text(f"band_{BANDS[band]}") if band is not None and band < len(BANDS) else \
        text("band_none")


STYLE = """
body { font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; font-size: 10pt;
       color: #222222; }
h1 { font-size: 24pt; color: ACCENT; margin-bottom: 4pt; }
h2 { font-size: 16pt; color: ACCENT; margin-top: 16px; margin-bottom: 8px; }
h3 { font-size: 12pt; color: ACCENT; margin-top: 18px; margin-bottom: 6px; }
p { margin-top: 4px; margin-bottom: 8px; }
table.data { border-collapse: collapse; margin-bottom: 8pt; }
table.data th { background-color: ACCENT; color: #ffffff; text-align: left;
                font-weight: bold; }
table.data td { border-bottom: 1px solid #cccccc; }
td.num, th.num { text-align: right; }
p.note { color: #555555; font-size: 9pt; }
p.verdict { font-size: 12pt; font-weight: bold; }
p.cover { font-size: 12pt; }
.break { page-break-before: always; }
"""

# Only for the HTML file: what Qt's engine ignores but a browser uses (print and screen).
BROWSER_STYLE = """
body { max-width: 800px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
table.data { width: 100%; }
table.data th, table.data td { padding: 4px 6px; }
tr { page-break-inside: avoid; break-inside: avoid; }
img { max-width: 100%; height: auto; }
footer { margin-top: 24px; color: #555555; font-size: 9pt; border-top: 1px solid #cccccc; }
@media print { body { margin: 0; max-width: none; } h2.break { break-before: page; } }
@page { margin: 18mm 15mm; }
"""


def report_html(data: ReportData, charts: Sequence[ChartImage], image_src: ImageSource,
                logo_src: str | None, *, browser: bool) -> str:
    """The whole report. `browser`: the HTML file (full CSS, footer); else for QTextDocument."""
    accent = data.branding.accent_colour
    style = STYLE + (BROWSER_STYLE if browser else "")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">" if browser else "",
        f"<title>{_e(text('title'))} – {_e(data.site or text('unknown_site'))}</title>",
        f"<style>{style.replace('ACCENT', accent)}</style></head><body>",
        *_cover(data, logo_src),
        *_summary(data),
        *_charts(charts, image_src),
        *_tables(data),
        *_placements(data),
        *_appendix(data),
    ]
    if browser:
        footer = " · ".join(_e(part) for part in (data.branding.name, data.branding.footer)
                            if part)
        if footer:
            parts.append(f"<footer><p>{footer}</p></footer>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _cover(data: ReportData, logo_src: str | None) -> list[str]:
    site = data.site or text("unknown_site")
    out = []
    if logo_src:
        out.append(f"<p><img src='{_e(logo_src)}' height='64' alt=''></p>")
    out += [f"<h1>{_e(text('title'))}</h1>",
            f"<p class='cover'>{_e(text('subtitle', site=site))}</p>"]
    if data.branding.name:
        out.append(f"<p class='cover'><b>{_e(text('prepared_by', name=data.branding.name))}"
                   "</b></p>")
    period = (text("period_value", since=data.since, until=data.until) if data.since
              else text("period_all", until=data.until))
    rows = [(text("prepared_on"), _long(data.generated)), (text("period"), period)]
    out.append(_key_values(rows))
    out.append(f"<h3>{_e(text('sources'))}</h3>")
    if data.sources:
        lines = []
        for source in data.sources:
            exports = (text("exports_one") if source.exports == 1
                       else text("exports_many", count=source.exports))
            key = f"vendor_{source.vendor}"  # a vendor without a name of its own: as stored
            vendor = text(key) if key in ENGLISH else source.vendor
            lines.append(text("source_line", vendor=vendor, exports=exports,
                              latest=_long(source.latest), rows=number(source.rows)))
        out.append("<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>")
    else:
        out.append(f"<p>{_e(text('no_sources'))}</p>")
    return out


def _long(day: str) -> str:
    return long_date(day) if day else "–"


def _key_values(rows: Iterable[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td><b>{_e(k)}</b></td><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table cellpadding='3' cellspacing='0'>{cells}</table>"


def _summary(data: ReportData) -> list[str]:
    out = [f"<h2 class='break'>{_e(text('summary'))}</h2>",
           f"<h3>{_e(text('balance_title'))}</h3>"]
    balance = data.profile.balance
    if balance is None or not balance.links:
        out.append(f"<p>{_e(text('no_sources'))}</p>")
    else:
        intro = text("balance_intro", links=counted_text(balance.links, "link"),
                     domains=counted_text(balance.domains, "website"))
        out.append(f"<p>{_e(intro)}</p>")
        if balance.scored:
            shares = {name: percent(int(balance.domain_bands[i]), balance.domains)
                      for i, name in enumerate(BANDS)}
            out.append(f"<p>{_e(text('balance_bands', **shares))}</p>")
        else:
            out.append(f"<p>{_e(text('balance_not_scored'))}</p>")
        out.append(_figures_table(data))
        if balance.rel.links:  # not a band: a sentence under the table, not a row in it
            follow = text("balance_follow", followed=number(balance.rel.dofollow),
                          share=percent(balance.rel.dofollow, balance.rel.links))
            out.append(f"<p class='note'>{_e(follow)}</p>")
        out.append(f"<h3>{_e(text('what_stands_out'))}</h3>")
        out.append("<ul>" + "".join(f"<li>{_e(hint_text(h))}</li>"
                                     for h in balance.hint_facts) + "</ul>")
    out += _changes(data)
    out += _verdict(data)
    return out


def _figures_table(data: ReportData) -> str:
    balance = data.profile.balance
    assert balance is not None
    head = [text("col_band"), text("col_domains"), text("col_domain_share"),
            text("col_links"), text("col_link_share")]
    rows = []
    slots = [(3, "band_strong"), (2, "band_fair"), (1, "band_weak"), (0, "band_risky")]
    if not balance.scored:
        slots = []
    if balance.scored and int(balance.link_bands[4]) + int(balance.domain_bands[4]):
        slots.append((4, "band_none"))
    for slot, key in slots:
        d, n = int(balance.domain_bands[slot]), int(balance.link_bands[slot])
        rows.append([text(key).capitalize(), number(d), percent(d, balance.domains),
                     number(n), percent(n, balance.links)])
    rows.append([text("total"), number(balance.domains), "100%" if balance.domains else "0%",
                 number(balance.links), "100%" if balance.links else "0%"])
    return _table(head, rows, numeric={1, 2, 3, 4}, total=True)


def _changes(data: ReportData) -> list[str]:
    out = [f"<h3>{_e(text('changes_title'))}</h3>"]
    counts = data.changes
    if counts is None:
        out.append(f"<p>{_e(text('changes_first'))}</p>")
        return out
    if not any((counts.new_links, counts.lost_links, counts.new_domains, counts.lost_domains)):
        out.append(f"<p>{_e(text('changes_none'))}</p>")
        return out
    said = text("changes_counts",
                new_domains=counted_text(counts.new_domains, "new_referring_domain"),
                new_links=counted_text(counts.new_links, "new_link"),
                lost_domains=counted_text(counts.lost_domains, "referring_domain"),
                lost_links=counted_text(counts.lost_links, "link"))
    out.append(f"<p>{_e(said)}</p>")
    if data.risky_new_domains:
        risky = text("changes_risky_new", risky=number(data.risky_new_domains),
                     share=percent(data.risky_new_domains, counts.new_domains))
        out.append(f"<p>{_e(risky)}</p>")
    out.append(f"<p class='note'>{_e(text('changes_lost_note'))}</p>")
    return out


def _entries(domains: int, urls: int) -> str:
    """"159 domains", "7 pages" or "25 domains and 7 pages": never "and 0 pages"."""
    if domains and urls:
        return text("verdict_entries", domains=counted_text(domains, "domain"),
                    urls=counted_text(urls, "page"))
    return counted_text(urls, "page") if urls else counted_text(domains, "domain")


def _verdict(data: ReportData) -> list[str]:
    verdict = data.verdict
    out = [f"<h3>{_e(text('verdict_title'))}</h3>"]
    if verdict is None:
        return out
    risky = f"{100 * verdict.risky_share:.0f}%"
    if verdict.case in ("file", "planned"):
        said = text(f"verdict_{verdict.case}", entries=_entries(verdict.domains, verdict.urls),
                    are="is" if verdict.domains + verdict.urls == 1 else "are")
        out += [f"<p class='verdict'>{_e(said)}</p>",
                f"<p>{_e(text('verdict_file_why'))}</p>"]
    else:
        key = "verdict_watch" if verdict.case == "watch" else "verdict_none"
        out += [f"<p class='verdict'>{_e(text(key))}</p>",
                f"<p>{_e(text(key + '_why', risky=risky))}</p>"]
    if verdict.added or verdict.removed:
        if verdict.against:
            done = text("verdict_done_changes", against=verdict.against,
                        added=counted_text(verdict.added, "entry"),
                        removed=counted_text(verdict.removed, "entry"))
        else:
            done = text("verdict_done_first")
    else:
        done = text("verdict_done_none") if verdict.case in ("none", "watch") else text(
            "disavow_none")
    out.append(f"<p>{_e(done)}</p>")
    return out


def _charts(charts: Sequence[ChartImage], image_src: ImageSource) -> list[str]:
    if not charts:
        return []
    out = [f"<h2 class='break'>{_e(text('charts'))}</h2>"]
    for chart in charts:
        out.append(f"<h3>{_e(chart.title)}</h3>")
        out.append(f"<p><img src='{_e(image_src(chart))}' width='{chart.width}' "
                   f"height='{chart.height}' alt='{_e(chart.title)}'></p>")
        if chart.note:
            out.append(f"<p class='note'>{_e(chart.note)}</p>")
    return out


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int], *,
           total: bool = False, ours: frozenset[int] = frozenset()) -> str:
    """A data table; `total`: its last row sums the others (in bold). Cells are clipped
    (text from exports can be huge) except in the columns `ours`, written by LinkDesk."""
    def cell(tag: str, index: int, value: str, bold: bool = False) -> str:
        align = " class='num' align='right'" if index in numeric else ""
        value = value if index in ours and tag == "td" else clip(value, CELL_CHARS)
        shown = f"<b>{_e(value)}</b>" if bold else _e(value)
        return f"<{tag}{align}>{shown}</{tag}>"

    header = "".join(cell("th", i, value) for i, value in enumerate(head))
    body = "".join("<tr>" + "".join(cell("td", i, v, total and n == len(rows) - 1)
                                    for i, v in enumerate(row)) + "</tr>"
                   for n, row in enumerate(rows))
    return (f"<table class='data' width='100%' cellpadding='4' cellspacing='0'>"
            f"<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>")


def _more(total: int, shown: int) -> str:
    return (f"<p class='note'>{_e(text('more_rows', count=number(total - shown)))}</p>"
            if total > shown else "")


def _domain_section(title: str, table: DomainTable, empty: str) -> list[str]:
    out = [f"<h3>{_e(title)}</h3>"]
    if not table.rows:
        return [*out, f"<p>{_e(empty)}</p>"]
    head = [text("col_domain"), text("col_quality"), text("col_band"), text("col_links"),
            text("col_dofollow")]
    rows = [[r.domain, "–" if r.quality is None else f"{r.quality:.0f}", _band_name(r.band),
             number(r.links), number(r.dofollow)] for r in table.rows]
    return [*out, _table(head, rows, numeric={1, 3, 4}), _more(table.total, len(table.rows))]


def _tables(data: ReportData) -> list[str]:
    out = [f"<h2 class='break'>{_e(text('tables'))}</h2>"]
    out += _domain_section(text("strongest_title"), data.strongest, text("no_sources"))
    if data.changes is not None:
        out += _domain_section(text("gained_title"), data.gained, text("empty_table"))
        out += _domain_section(text("lost_title"), data.lost, text("empty_table"))
    anchors = data.profile.anchors
    if anchors is not None and anchors.top:
        out.append(f"<h3>{_e(text('anchors_title'))}</h3>")
        rows = [[text("anchor_none") if anchor is None else (anchor or text("anchor_empty")),
                 number(n), percent(n, anchors.total)] for anchor, n in anchors.top[:TOP_ANCHORS]]
        out.append(_table([text("col_anchor"), text("col_links"), text("col_share")], rows,
                          numeric={1, 2}))
    out.append(f"<h3>{_e(text('risky_title'))}</h3>")
    if data.risky.rows:
        head = [text("col_domain"), text("col_links"), text("col_points"),
                text("col_reasons")]
        rows = [[r.domain, number(r.links), str(r.risk_points),
                 "; ".join(FLAG_WORDS.get(f, f) for f in r.flags)] for r in data.risky.rows]
        # The reasons are LinkDesk's own words: clipped, a sentence stopped half-way.
        out += [_table(head, rows, numeric={1, 2}, ours=frozenset({3})),
                _more(data.risky.total, len(rows))]
    else:
        out.append(f"<p>{_e(text('risky_none') if data.scored else text('balance_not_scored'))}"
                   "</p>")
    out.append(f"<h3>{_e(text('disavow_title'))}</h3>")
    if data.disavow_changes:
        head = [text("col_entry"), text("col_change"), text("col_reason")]
        rows = [[c.line, text("disavow_added") if c.added else text("disavow_removed"),
                 c.reason if c.added else text("disavow_removed_reason")]
                for c in data.disavow_changes]
        out += [_table(head, rows, numeric=set()),
                _more(data.disavow_changes_total, len(rows))]
    else:
        out.append(f"<p>{_e(text('disavow_none'))}</p>")
    out.append(f"<h3>{_e(text('checks_title'))}</h3>")
    if data.checked:
        visited = counted_text(data.checked, "linking_page")
        out.append(f"<p>{_e(text('checks_intro', checked=visited))}</p>")
        rows = [[text(f"status_{status}"), number(n), percent(n, data.checked)]
                for status, n in data.checks.items() if n]
        out.append(_table([text("col_status"), text("col_count"), text("col_share")], rows,
                          numeric={1, 2}))
    else:
        out.append(f"<p>{_e(text('checks_none'))}</p>")
    return out


def _placements(data: ReportData) -> list[str]:
    """The links placed for the client; no section when the project has none."""
    if data.placements is None:
        return []
    # Imported here: the section builds on this module's tables and escaping.
    from linkdesk.ui.report.placements_section import placements_section

    return placements_section(data.placements, data.site or text("unknown_site"))


def _appendix(data: ReportData) -> list[str]:
    weights, thresholds = data.weights, data.thresholds
    out = [f"<h2 class='break'>{_e(text('appendix'))}</h2>",
           f"<p>{_e(text('appendix_quality', base=number(weights.get('base', 0))))}</p>"]
    rows = [[SIGNAL_WORDS.get(name, name), number(float(value))]
            for name, value in weights.items() if name != "base"]
    out.append(_table([text("col_signal"), text("col_weight")], rows, numeric={1}))
    bands = text("appendix_bands", strong=thresholds.get("strong", ""),
                 fair=thresholds.get("fair", ""), high=thresholds.get("risk_high", ""),
                 low=thresholds.get("risk_low", ""), medium=thresholds.get("risk_medium", ""))
    out.append(f"<p>{_e(bands)}</p>")
    out.append(f"<p>{_e(text('appendix_flags'))}</p>")
    rows = [[FLAG_WORDS.get(name, name), str(points)]
            for name, points in data.flag_points.items()]
    out.append(_table([text("col_flag"), text("col_points")], rows, numeric={1}))
    out.append(f"<p class='note'>{_e(text('appendix_vendor'))}</p>")
    return out



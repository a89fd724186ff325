"""The client report (`linkdesk report`, core/report, ui/report), read as a reader would.

Generated Ahrefs exports (tests/exportgen.py) are imported and scored; the report is written
as PDF and HTML by the command (headless: it picks Qt's offscreen platform itself) and read
back: the PDF's text with pypdf (no poppler on CI machines), the HTML as text.
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from exportgen import make_profile, write_ahrefs
from pypdf import PdfReader

from linkdesk.core.importers.pipeline import import_file
from linkdesk.core.placements import PlacementInput
from linkdesk.core.report import Branding, gather_report
from linkdesk.core.report.texts import text
from linkdesk.core.scoring import BANDS, rescore
from linkdesk.core.store import Project

HOSTILE = "<img src=x onerror=alert(1)>"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def private_report_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's white-label settings are its own file, never the user's."""
    path = tmp_path / "report-settings.json"
    monkeypatch.setenv("LINKDESK_REPORT_SETTINGS", str(path))
    return path


def _project(tmp_path: Path, links: int = 1500, *, score: bool = True,
             hostile: bool = False) -> Path:
    records = list(make_profile(links, seed=7))
    if hostile:  # the most used anchor of the profile
        records = [dataclasses.replace(r, anchor=HOSTILE) if i % 3 == 0 else r
                   for i, r in enumerate(records)]
    export = tmp_path / "ahrefs.csv"
    write_ahrefs(export, records)
    path = tmp_path / "client.linkdesk"
    with Project.open(path) as project:
        import_file(project, export)
        if score:
            rescore(project.db)
    return path


def _linkdesk(*args: object) -> subprocess.CompletedProcess[str]:
    """The command as a user without a display runs it (no QT_QPA_PLATFORM, no DISPLAY)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "linkdesk.cli", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=300, check=False)


def _pdf_text(path: Path) -> str:
    """The words of the PDF, one space apart (pypdf gives tabs; fi/fl ligatures undone)."""
    raw = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", raw).split())


def _shown(share: float) -> set[str]:
    """How the report may write a share `balance --json` gives to four decimals."""
    exact = share * 100
    return {f"{exact - 0.005:.1f}%", f"{exact:.1f}%", f"{exact + 0.005:.1f}%"}


def test_pdf_and_html_hold_the_balance_figures(tmp_path: Path) -> None:
    path = _project(tmp_path)
    balance = _linkdesk("balance", path, "--json")
    assert balance.returncode == 0, balance.stderr
    figures = json.loads(balance.stdout)
    pdf, page = tmp_path / "report.pdf", tmp_path / "report.html"
    for output in (pdf, page):
        done = _linkdesk("report", path, "-o", output, "--name", "Jo Smith SEO")
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    assert PdfReader(pdf).pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4
    for body in (_pdf_text(pdf), re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))):
        flat = " ".join(body.split())
        assert f"{figures['links']:,} links from {figures['referring_domains']:,} other" in flat
        assert "Prepared by Jo Smith SEO" in flat
        for key in ("links_by_band", "domains_by_band"):
            for band in BANDS:
                assert _shown(figures[key][band]) & set(flat.split()), (key, band)
        assert text("verdict_title") in flat
        assert text("appendix").split(":")[0] in flat


def test_hostile_anchor_is_text_in_both_formats(tmp_path: Path) -> None:
    path = _project(tmp_path, 600, hostile=True)
    pdf, page = tmp_path / "r.pdf", tmp_path / "r.html"
    for output in (pdf, page):
        assert _linkdesk("report", path, "-o", output).returncode == 0
    document = page.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in document
    assert "<img src=x" not in document
    # Self-contained: every image is embedded, nothing is fetched.
    assert not re.search(r"""(src|href)=['"]?(https?:|//)""", document)
    assert HOSTILE in _pdf_text(pdf)


def test_letter_pages_and_a_bad_since(tmp_path: Path) -> None:
    path = _project(tmp_path, 300)
    pdf = tmp_path / "letter.pdf"
    assert _linkdesk("report", path, "-o", pdf, "--page", "letter").returncode == 0
    box = PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    bad = _linkdesk("report", path, "-o", tmp_path / "x.pdf", "--since", "last tuesday")
    assert bad.returncode == 2 and "--since" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_settings_store_and_project_override(tmp_path: Path) -> None:
    path = _project(tmp_path, 200)
    assert _linkdesk("report-settings", "--name", "Agency One", "--footer",
                     "agency.example").returncode == 0
    assert _linkdesk("report-settings", "--project", path, "--name", "Jo for Acme"
                     ).returncode == 0
    bad = _linkdesk("report-settings", "--accent", "blue")
    assert bad.returncode == 2 and "#rrggbb" in bad.stderr
    pdf = tmp_path / "r.pdf"
    assert _linkdesk("report", path, "-o", pdf).returncode == 0
    flat = " ".join(_pdf_text(pdf).split())
    assert "Prepared by Jo for Acme" in flat and "agency.example" in flat
    assert "Agency One" not in flat


def test_no_scores_marks_or_checks_still_reads(tmp_path: Path, qapp: object) -> None:
    from linkdesk.ui.report.document import write_report

    path = _project(tmp_path, 300, score=False)
    with Project.open(path, create=False) as project:
        data = gather_report(project.db, branding=Branding(name="Jo"))
    assert not data.scored
    pdf = tmp_path / "plain.pdf"
    write_report(data, pdf)
    flat = " ".join(_pdf_text(pdf).split())
    for key in ("balance_not_scored", "checks_none", "disavow_none", "changes_first",
                "verdict_none"):
        assert " ".join(text(key).split()) in flat, key


def test_an_empty_project_gets_a_report(tmp_path: Path) -> None:
    path = tmp_path / "empty.linkdesk"
    Project.open(path).close()
    page = tmp_path / "empty.html"
    done = _linkdesk("report", path, "-o", page)
    assert done.returncode == 0, done.stderr
    assert text("no_sources") in page.read_text(encoding="utf-8")


def test_no_table_row_is_cut_across_pages(qapp: object, tmp_path: Path) -> None:
    from PySide6.QtCore import QSizeF

    from linkdesk.ui.report.charts import chart_images
    from linkdesk.ui.report.document import build_document

    path = _project(tmp_path, 1500)
    with Project.open(path, create=False) as project:
        data = gather_report(project.db)
    document = build_document(data, chart_images(data.profile), None, QSizeF(600, 700))
    assert _rows_checked(document, 700.0) > 30


def _rows_checked(document: object, height: float) -> int:
    """Assert that no table row of `document` is cut by a page end; how many rows there are."""
    from PySide6.QtGui import QTextCursor

    layout, rows = document.documentLayout(), 0  # type: ignore[attr-defined]
    block = document.begin()  # type: ignore[attr-defined]
    while block.isValid():
        table = QTextCursor(block).currentTable()
        cell = table.cellAt(block.position()) if table is not None else None
        if cell is not None and cell.column() == 0 and cell.firstCursorPosition().block() == block:
            top = min(layout.blockBoundingRect(table.cellAt(cell.row(), c).firstCursorPosition()
                                               .block()).top() for c in range(table.columns()))
            bottom = max(layout.blockBoundingRect(table.cellAt(cell.row(), c)
                                                  .lastCursorPosition().block()).bottom()
                         for c in range(table.columns()))
            assert int((top + 0.5) // height) == int((bottom - 1) // height), block.text()
            rows += 1
        block = block.next()
    return rows


def _first_rows_on_pages(document: object, height: float) -> list[tuple[object, int, float]]:
    """(table, row, top within its page) of each table row that starts a table's part on a
    page after the table's first page."""
    from PySide6.QtGui import QTextCursor

    found, last_page = [], {}
    layout = document.documentLayout()  # type: ignore[attr-defined]
    block = document.begin()  # type: ignore[attr-defined]
    while block.isValid():
        table = QTextCursor(block).currentTable()
        cell = table.cellAt(block.position()) if table is not None else None
        if cell is not None and cell.column() == 0 and cell.firstCursorPosition().block() == block:
            top = layout.blockBoundingRect(block).top()
            page = int((top + 0.5) // height)
            key = table.firstPosition()
            if key in last_page and page > last_page[key]:
                found.append((table, cell.row(), top - page * height))
            last_page[key] = page
        block = block.next()
    return found


def test_a_row_moved_to_the_next_page_sits_under_the_repeated_header(
        qapp: object, tmp_path: Path) -> None:
    from PySide6.QtCore import QSizeF

    from linkdesk.ui.report.charts import chart_images
    from linkdesk.ui.report.document import build_document

    path = _project(tmp_path, 1500)
    with Project.open(path, create=False) as project:
        data = gather_report(project.db)
    for height in (700.0, 900.0, 1000.0):
        document = build_document(data, chart_images(data.profile), None, QSizeF(600, height))
        continued = _first_rows_on_pages(document, height)
        assert continued, height
        for table, row, top in continued:
            assert row > table.format().headerRowCount()  # never a header left alone above
            header = document.documentLayout().blockBoundingRect(
                table.cellAt(0, 0).firstCursorPosition().block())
            # the repeated header, then the row: no gap where the row used to be pushed down
            assert top <= header.height() + 4 * 4 + 1, (height, row, top)


def test_every_page_a_table_continues_on_starts_with_its_header(tmp_path: Path,
                                                                qapp: object) -> None:
    from linkdesk.core.report.texts import FLAG_WORDS, SIGNAL_WORDS
    from linkdesk.ui.report.document import write_report

    path = _project(tmp_path, 3000)
    with Project.open(path, create=False) as project:
        data = gather_report(project.db)
    pdf = tmp_path / "long.pdf"
    write_report(data, pdf, page="a4")
    frame = (f"{text('title')} ·", text("page", page=1, pages=1).split()[0] + " ")
    # the first cell of every data row the report's tables may show
    rows = {r.domain for t in (data.strongest, data.risky, data.gained, data.lost)
            for r in t.rows}
    rows |= set(SIGNAL_WORDS.values()) | set(FLAG_WORDS.values()) | set(data.flag_points)
    headers = {text(k) for k in ("col_domain", "col_anchor", "col_signal", "col_flag",
                                 "col_status", "col_entry", "col_band")}
    starts = []
    for page in PdfReader(pdf).pages[1:]:
        lines = [" ".join(unicodedata.normalize("NFKC", line).split())
                 for line in (page.extract_text() or "").splitlines()]
        body = [line for line in lines if line and not line.startswith(frame)]
        starts.append(body[0])
    assert not rows & set(starts), starts  # no page opens on a bare table row
    assert headers & set(starts), starts  # some table did continue on a new page


def _logo_png(path: Path, colour: str = "#c0392b") -> Path:
    """A 240x80 PNG logo drawn by Qt (a coloured band with a white bar)."""
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(240, 80, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    painter = QPainter(image)
    painter.fillRect(20, 30, 200, 20, QColor("white"))
    painter.end()
    assert image.save(str(path), "PNG")
    return path


def test_a_logo_appears_in_the_html_and_the_pdf(tmp_path: Path, qapp: object) -> None:
    import base64

    from linkdesk.ui.report.document import write_report

    logo = _logo_png(tmp_path / "logo.png")
    path = _project(tmp_path, 300)
    with Project.open(path, create=False) as project:
        plain = gather_report(project.db, branding=Branding(name="Jo"))
        branded = gather_report(project.db, branding=Branding(name="Jo", logo=str(logo)))
    page = tmp_path / "r.html"
    write_report(branded, page)
    uri = "data:image/png;base64," + base64.b64encode(logo.read_bytes()).decode("ascii")
    assert f"src='{uri}'" in page.read_text(encoding="utf-8")
    with_logo, without = tmp_path / "logo.pdf", tmp_path / "plain.pdf"
    write_report(branded, with_logo)
    write_report(plain, without)
    cover = _image_sizes(with_logo)
    assert len(cover) == len(_image_sizes(without)) + 1 and (240, 80) in cover


def _image_sizes(pdf: Path) -> list[tuple[int, int]]:
    """Width and height of each image on the PDF's first page (no decoding: no Pillow)."""
    resources = PdfReader(pdf).pages[0]["/Resources"]
    objects = resources.get("/XObject", {}) if resources else {}
    return [(int(o["/Width"]), int(o["/Height"])) for o in
            (objects[name].get_object() for name in objects) if o.get("/Subtype") == "/Image"]


@pytest.mark.parametrize("kind", ["text", "svg", "huge", "damaged", "folder"])
def test_an_unusable_logo_gets_a_clear_message(tmp_path: Path, kind: str) -> None:
    logo = tmp_path / {"svg": "logo.svg", "folder": "logos"}.get(kind, "logo.png")
    if kind == "text":
        logo.write_text("name,url\nAcme,https://acme.example\n", encoding="utf-8")
    elif kind == "svg":
        logo.write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script>"
                        "</svg>", encoding="utf-8")
    elif kind == "huge":  # sparse: 6 GB on paper, nothing on disk; read with a bound or die
        with logo.open("wb") as file:
            file.write(b"\x89PNG\r\n\x1a\n")
            file.truncate(6 * 1024**3)
    elif kind == "damaged":
        logo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    else:
        logo.mkdir()
    expected = {"text": "not a PNG or JPEG", "svg": "SVG images cannot be used",
                "huge": "larger than 5 MB", "damaged": "damaged",
                "folder": "is a folder"}[kind]
    path = _project(tmp_path, 200)
    # given on the command line, and stored earlier in the project's settings
    done = _linkdesk("report", path, "-o", tmp_path / "r.pdf", "--logo", logo)
    assert "Traceback" not in done.stderr
    if kind == "damaged":  # the bytes look like a PNG: only decoding finds out
        assert done.returncode == 1 and expected in done.stderr, done.stderr
    else:
        assert done.returncode == 2 and expected in done.stderr and str(logo) in done.stderr
    assert not (tmp_path / "r.pdf").exists()
    with Project.open(path, create=False) as project:
        data = gather_report(project.db, branding=Branding(logo=str(logo)))
    script = ("import resource, sys\n"
              "resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))\n"
              "from linkdesk.core.report.logo import read_logo\n"
              "from linkdesk.core.report import BrandingError\n"
              "try:\n    read_logo(sys.argv[1])\nexcept BrandingError as e:\n    print(e)\n")
    if kind != "damaged":
        read = subprocess.run([sys.executable, "-c", script, str(logo)], capture_output=True,
                              text=True, cwd=REPO, timeout=120, check=False)
        assert read.returncode == 0 and expected in read.stdout, read.stderr
    from linkdesk.ui.app import application
    from linkdesk.ui.report.document import ReportError, write_report

    application()
    with pytest.raises(ReportError, match=expected):
        write_report(data, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_every_flag_and_signal_has_client_words() -> None:
    from linkdesk.core.report.texts import FLAG_WORDS, SIGNAL_WORDS
    from linkdesk.core.scoring import FLAGS
    from linkdesk.core.scoring.model import DEFAULT_FLAG_POINTS, DEFAULT_WEIGHTS

    assert set(FLAGS) <= set(FLAG_WORDS) and set(DEFAULT_FLAG_POINTS) <= set(FLAG_WORDS)
    assert set(DEFAULT_WEIGHTS) - {"base"} <= set(SIGNAL_WORDS)


def test_band_table_holds_bands_only(tmp_path: Path) -> None:
    from linkdesk.ui.report.html import _figures_table

    path = _project(tmp_path, 600)
    with Project.open(path, create=False) as project:
        data = gather_report(project.db)
    table = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", _figures_table(data))).split())
    assert text("col_dofollow") not in table and "Dofollow" not in table
    assert table.startswith(" ".join([text("col_band"), text("col_domains"),
                                      text("col_domain_share"), text("col_links"),
                                      text("col_link_share")]))


def _add_placements(db: sqlite3.Connection, given: list[PlacementInput]) -> None:
    """Adds these placements (PlacementInput rows) as the Placements tab's Add does."""
    from linkdesk.core.placements import apply_change, parse_placement, plan_add

    apply_change(db, plan_add(db, [parse_placement(g) for g in given]))


def _with_placements(path: Path, server: object, extra: int = 0) -> dict[str, str]:
    """Placements in every status on `path` (pages served by `server`), checked live; with
    `extra` more on pages that keep their link. Returns name -> page URL."""
    import datetime

    from test_checker_server import page
    from test_placements import FAST, _a

    from linkdesk.core.placements import (
        apply_change,
        check_placements,
        parse_placement,
        plan_add,
    )

    target = "https://acme-widgets.com/widgets"
    routes = {"kept": page(_a(target)), "dropped": page("<p>No links any more.</p>"),
              "review": page(_a(target, rel="nofollow")),
              "roundup": page(_a(target, text="click here"))}  # "deleted": 404
    server.routes.update({f"/{name}": body for name, body in routes.items()})  # type: ignore[attr-defined]
    server.routes.update({f"/kept-{n}": routes["kept"] for n in range(extra)})  # type: ignore[attr-defined]
    today = datetime.date.today()
    soon, later = today + datetime.timedelta(days=10), today + datetime.timedelta(days=200)
    with Project.open(path, create=False) as project:
        strong = project.db.execute("SELECT domain FROM domain_scores WHERE band = 3 "
                                    "ORDER BY domain LIMIT 2").fetchall()
        pages = {name: server.url(f"/{name}")  # type: ignore[attr-defined]
                 for name in (*routes, "deleted")}
        given = [PlacementInput(source_url=url, target_url=target, anchor="Acme widgets",
                                price="120", currency="EUR", type="guest post",
                                placed_on="2026-03-02", expires_on=later.isoformat())
                 for url in pages.values()]
        given[1] = dataclasses.replace(given[1], price="80", currency="USD", type="niche edit",
                                       expires_on=soon.isoformat())
        pages["strong"] = f"https://{strong[0][0]}/guest-post"
        pages["strong2"] = f"https://{strong[1][0]}/resources"
        given += [PlacementInput(source_url=pages["strong"], target_url=target, price="200",
                                 currency="EUR", type="pr"),
                  PlacementInput(source_url=pages["strong2"], target_url=target, price="100",
                                 currency="EUR", type="pr"),
                  PlacementInput(source_url="travel.widgetblog.example", target_url=target,
                                 type="outreach"),
                  PlacementInput(source_url=server.url("/kept"),  # type: ignore[attr-defined]
                                 target_url=target + "?old", expires_on="2026-01-31",
                                 type="directory", price="15", currency="EUR")]
        given += [PlacementInput(source_url=server.url(f"/kept-{n}"),  # type: ignore[attr-defined]
                                 target_url=target, anchor="Acme widgets",
                                 notes="x" * (n % 7) * 40) for n in range(extra)]
        change = plan_add(project.db, [parse_placement(g) for g in given])
        apply_change(project.db, change)
        local = [edit.placement_id for edit, typed in zip(change.edits, given, strict=True)
                 if typed.source_url.startswith("http://127.")]  # never the real web
        check_placements(project, local, options=FAST)
    return pages


@pytest.fixture
def page_server_() -> object:
    from test_checker_server import page_server

    with page_server() as served:
        yield served


def test_a_placements_section_in_client_words_in_both_formats(
        tmp_path: Path, page_server_: object) -> None:
    path = _project(tmp_path, 600)
    pages = _with_placements(path, page_server_)
    pdf, page = tmp_path / "report.pdf", tmp_path / "report.html"
    for output in (pdf, page):
        done = _linkdesk("report", path, "-o", output)
        assert done.returncode == 0, done.stderr
    document = page.read_text(encoding="utf-8")
    flat = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", document)).replace("\u200b", "")
                    .split())
    section = flat[flat.index(text("placements")):flat.index(text("appendix").split(":")[0])]
    for words in (text("placement_live"), text("placement_changed"),
                  text("placement_missing"), text("placement_gone"),
                  text("placement_unchecked"), text("placement_expired"),
                  "Now marked not to be followed, agreed: a normal link",
                  "Link text \u201cclick here\u201d, agreed: \u201cAcme widgets\u201d",
                  "Spent in total: 795 EUR + 80 USD.",
                  "2 of the websites are strong, the kind whose links help most; 300 EUR went "
                  "to them, 150 EUR per strong website on average.",
                  "travel.widgetblog.example (exact page not known yet)",
                  text("placements_expiring_title"),
                  "Press release 2 300 EUR", "Article written for another website 4 480 EUR",
                  "5 of them need attention"):
        assert words in section, words
    assert f"{text('placement_changed')} 2 22.2%" in section
    assert f"{text('placement_unchecked')} 3 33.3%" in section
    # The one ending within 30 days is listed for renewal, with its price.
    renewal = section[section.index(text("placements_expiring_title")):]
    assert pages["dropped"].split("://")[1] in renewal and "80 USD" in renewal
    assert pages["kept"].split("://")[1] not in renewal
    # No jargon a client would not read.
    for jargon in ("nofollow", "rel ", "anchor", "niche", "unchecked", "placement",
                   "page to follow"):  # "follow" is what links do: not a word for "later"
        assert jargon not in section.lower(), jargon
    pdf_words = _pdf_text(pdf).replace("\u200b", "")
    assert text("placements") in pdf_words and "Spent in total: 795 EUR + 80 USD." in pdf_words


def test_no_placements_section_without_placements(tmp_path: Path, qapp: object) -> None:
    from linkdesk.ui.report.document import write_report

    path = _project(tmp_path, 300)
    with Project.open(path, create=False) as project:
        data = gather_report(project.db)
    assert data.placements is None
    out = tmp_path / "r.html"
    write_report(data, out)
    assert text("placements") not in out.read_text(encoding="utf-8")
    assert text("placements_list_title") not in out.read_text(encoding="utf-8")


def test_no_placement_row_is_cut_across_pages(qapp: object, tmp_path: Path,
                                              page_server_: object) -> None:
    from PySide6.QtCore import QSizeF

    from linkdesk.ui.report.document import build_document

    path = _project(tmp_path, 300)
    _with_placements(path, page_server_, extra=120)
    with Project.open(path, create=False) as project:
        data = gather_report(project.db)
    assert data.placements is not None and data.placements.total == 129
    for height in (700.0, 911.0):
        document = build_document(data, [], None, QSizeF(600, height))
        assert _rows_checked(document, height) > 129


def test_placement_statuses_are_worked_out_for_the_reports_day_without_writing(
        tmp_path: Path) -> None:
    import datetime

    from linkdesk.core.report.placements import gather_placements

    path = _project(tmp_path, 300)
    with Project.open(path, create=False) as project:
        given = [PlacementInput(source_url=f"https://blog{n}.example/post",
                                target_url="https://acme-widgets.com/", expires_on=day,
                                price="50", currency="EUR")
                 for n, day in enumerate(("2026-06-30", "2026-07-20", ""))]
        _add_placements(project.db, given)
        stored = [row[0] for row in project.db.execute("SELECT status FROM placements")]
        found = gather_placements(project.db, datetime.date(2026, 7, 1))
        assert found is not None
        assert found.by_status["expired"] == 1 and found.by_status["unchecked"] == 2
        assert [row.page for row in found.expiring] == ["https://blog1.example/post"]
        assert [row[0] for row in project.db.execute("SELECT status FROM placements")] == stored


def test_the_average_per_strong_website_counts_only_the_websites_paid_in_that_currency(
        tmp_path: Path) -> None:
    """Three strong websites: one paid 300 EUR, one 100 USD, one without a price. No average
    divides 300 EUR by three websites (two of which cost no euros)."""
    from linkdesk.core.report.placements import gather_placements
    from linkdesk.ui.report.placements_section import placements_section

    path = _project(tmp_path, 300)
    with Project.open(path, create=False) as project:
        strong = [row[0] for row in project.db.execute(
            "SELECT domain FROM domain_scores WHERE band = 3 ORDER BY domain LIMIT 3")]
        assert len(strong) == 3
        target = "https://acme-widgets.com/"
        given = [PlacementInput(source_url=f"https://{strong[0]}/a", target_url=target,
                                price="300", currency="EUR"),
                 PlacementInput(source_url=f"https://{strong[1]}/b", target_url=target,
                                price="100", currency="USD"),
                 PlacementInput(source_url=f"https://{strong[2]}/c", target_url=target)]
        _add_placements(project.db, given)
        report = gather_placements(project.db)
    assert report is not None and report.strong_domains == 3
    assert report.per_strong_domain == {"EUR": 300.0, "USD": 100.0}
    flat = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", " ".join(
        placements_section(report, "acme-widgets.com")))).split())
    assert ("3 of the websites are strong, the kind whose links help most; 300 EUR + 100 USD "
            "went to them.") in flat
    assert "per strong website" not in flat  # no average of one euro site over three


def test_the_placements_section_reads_the_placements_once(tmp_path: Path) -> None:
    """Its counts, spend and strong websites are the ledger's totals (`totals`,
    `placement_values`: the table joined with the scores), from one read of the table (it
    was read three times: the placements, then twice more with their domains' bands)."""
    from linkdesk.core.placements import placement_values, totals
    from linkdesk.core.report.placements import gather_placements

    path = _project(tmp_path, 300)
    with Project.open(path, create=False) as project:
        db = project.db
        domains = [row[0] for row in db.execute(
            "SELECT domain FROM domain_scores ORDER BY band DESC, domain LIMIT 8")]
        domains += ["not-in-any-export.example", domains[0]]  # unscored; a second on one
        kinds, currencies = ("guest_post", "pr", "niche_edit"), ("EUR", "USD", "")
        given = [PlacementInput(source_url=f"https://{domain}/placed-{n}",
                                target_url="https://acme-widgets.com/", type=kinds[n % 3],
                                price="" if n % 4 == 3 else str(40 + 25 * n),
                                currency=currencies[n % 3])
                 for n, domain in enumerate(domains)]
        _add_placements(db, given)
        statements: list[str] = []
        db.set_trace_callback(statements.append)
        report = gather_placements(db)
        db.set_trace_callback(None)
        expected = totals(db)
        bands = {v.domain: v.band for v in placement_values(db)}
    assert report is not None and report.total == len(domains)
    assert report.by_type == dict(expected.by_type.most_common())
    assert report.spend_by_type == expected.spend_by_type
    strong = [amounts for domain, amounts in expected.spend_per_strong_domain.items()]
    assert report.strong_spend == {currency: sum(a.get(currency, 0.0) for a in strong)
                                   for currency in sorted({c for a in strong for c in a})}
    assert report.strong_domains == sum(band == "strong" for band in bands.values()) > 1
    assert "unscored" in bands.values() and len(report.strong_spend) > 1
    reads = [sql for sql in statements if re.search(r"\bFROM placements\b", sql)]
    assert len(reads) == 1, reads


def test_a_price_without_a_currency_says_so(qapp: object) -> None:
    """"Spent in total: 120 EUR + 50." left the client guessing what the 50 is."""
    from linkdesk.core.report.placements import PlacedLink, PlacementsReport
    from linkdesk.ui.report.placements_section import placements_section

    rows = [PlacedLink("https://a.example/1", "pr", None, None, 120.0, "EUR", "live"),
            PlacedLink("https://b.example/2", "pr", None, None, 50.0, "", "live")]
    report = PlacementsReport(
        total=2, by_status={"live": 2}, by_type={"pr": 2},
        spend_by_type={"pr": {"EUR": 120.0, "": 50.0}}, spend={"": 50.0, "EUR": 120.0},
        strong_domains=0, strong_spend={}, rows=rows)
    flat = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", " ".join(
        placements_section(report, "acme-widgets.com")))).split())
    assert "Spent in total: 50 (currency not recorded) + 120 EUR." in flat

"""The CSV-injection guard (core/cells.py) and the CSVs LinkDesk reads back.

Numbers stay numbers for the spreadsheet (a freelancer's `-1` traffic is no formula); text a
spreadsheet would run gets an apostrophe; and every value LinkDesk writes into a CSV it reads
back (the verdict library's CSV, the placements ledger) comes back exactly, whatever it
starts with: tricky values are generated below, every prefix with every body.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import shutil
from pathlib import Path

import pytest
from test_table_csv import read_csv, sample  # noqa: F401 (fixture)

from linkdesk.core.cells import needs_guard, safe_cell, unguard_cell
from linkdesk.core.exports import export_table_csv
from linkdesk.core.exports.placements import export_placements
from linkdesk.core.library import Library
from linkdesk.core.library.model import LIST, PROJECT
from linkdesk.core.placements import (
    PlacementInput,
    apply_change,
    import_placements,
    load_placements,
    parse_placement,
    plan_add,
)
from linkdesk.core.store import Project
from linkdesk.core.store.settings import Key
from linkdesk.core.tables import LINKS
from linkdesk.core.verdicts import export_csv
from linkdesk.core.verdicts import import_file as import_verdicts

PREFIXES = ("", "'", "''", "'''", "=", "'=", "''=", "+", "'+", "-", "'-", "@", "'@", "\t",
            "'\t", "\r", "'\r", "\n", " =", "' =", "\u00a0=", "\u200b@", "\ufeff-", "-5",
            "'-5", "\"", "'\"", ",", "é", "😀", "\u3000+", "\t=", "'\t=")
BODIES = ("", "cmd", "SUM(A1)", "1+1", "5", "-5", "2.5", "=1", "a, b", "say \"hi\"",
          "line one\nline two", "x\r\ny", "bücher", "日本語", "'", "''=x")


def tricky_values(count: int = 400, seed: int = 7) -> list[str]:
    """Every prefix before every body, and random chains of them."""
    values = [prefix + body for prefix, body in itertools.product(PREFIXES, BODIES)]
    rng = random.Random(seed)
    pieces = PREFIXES + BODIES
    values += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))
               for _ in range(count)]
    return values


@pytest.mark.parametrize("number", ["-5", "-1", "-0.25", "-3.2", "+5", "-1e5", "-2.5E-3",
                                    ".5", "-.5", "100"])
def test_plain_numbers_are_written_as_numbers(number: str) -> None:
    assert safe_cell(number) == number
    assert safe_cell(float(number)) == str(float(number))


@pytest.mark.parametrize("text", ["-2+3", "-5-5", "+1+1", "-A1", "-", "+", "-1e5+cmd|' /C calc'!A0",
                                  "-5 ", "- 5", "=5", "@5", "\t5", "\r5", "\n-5", "-٣"])
def test_text_that_would_be_a_formula_is_guarded(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert unguard_cell(safe_cell(text)) == text


def test_every_value_comes_back_through_a_csv_file() -> None:
    values = tricky_values()
    out = io.StringIO()
    csv.writer(out).writerows([[safe_cell(value), "x"] for value in values])
    read = [row[0] for row in csv.reader(io.StringIO(out.getvalue()))]
    assert [unguard_cell(cell) for cell in read] == values
    # Nothing a spreadsheet would run: every guarded cell starts with the apostrophe.
    assert not any(needs_guard(cell) for cell in read)


@pytest.mark.parametrize("cell", ["=SUM(A1)", "'quoted", "'5", "-5", "it's", " =x"])
def test_a_cell_a_spreadsheet_wrote_reads_as_it_is(cell: str) -> None:
    """No LinkDesk apostrophe in front: nothing is taken off."""
    assert unguard_cell(cell) == cell


def test_negative_numbers_in_a_table_export_are_numbers(
        sample: Path, tmp_path: Path) -> None:  # noqa: F811
    """Vendors write -1 for 'unknown' traffic; the export gave "'-1": text in Excel."""
    copy = tmp_path / "acme.linkdesk"
    shutil.copyfile(sample, copy)
    with Project.open(copy) as project:
        first = project.db.execute("SELECT min(id) FROM links").fetchone()[0]
        project.db.execute("UPDATE links SET page_traffic = -1, domain_traffic = -2.5 "
                           "WHERE id = ?", (first,))
        out = tmp_path / "links.csv"
        export_table_csv(project.db, LINKS, None, None, out,
                         columns=("source_url", "page_traffic", "domain_traffic"))
    rows = read_csv(out)
    assert ["-1", "-2.5"] in [row[1:] for row in rows[1:]]
    assert not any(cell.startswith("'-") for row in rows for cell in row)


def _library_rows(library: Library) -> list[tuple[object, ...]]:
    return library.db.execute(
        "SELECT v.domain, v.verdict, v.reason, v.decided_at, s.kind, s.id, s.name "
        "FROM verdicts AS v JOIN sources AS s ON s.id = v.source ORDER BY 1, 6").fetchall()


def test_the_verdict_library_goes_through_its_csv_unchanged(tmp_path: Path) -> None:
    values = tricky_values(count=100)
    named = [value for value in values if value]  # an empty name is a confidential one's
    sources = {f"{PROJECT}:{index}": (PROJECT, value) for index, value in enumerate(named[:50])}
    sources[f"{LIST}:{values[60]}"] = (LIST, values[61])
    names = list(sources)
    rows = [(f"domain{index}.example", names[index % len(names)],
             ("disavow", "keep", "review")[index % 3], value, "2026-11-01T10:00:00Z")
            for index, value in enumerate(values)]
    out = tmp_path / "verdicts.csv"
    with Library.open(tmp_path / "mine.sqlite") as mine:
        mine.merge(sources, rows)
        assert export_csv(mine, out) == len(rows)
        original = _library_rows(mine)
    with Library.open(tmp_path / "other-machine.sqlite") as other:
        report = import_verdicts(other, out)
        assert (report.kind, report.added, report.skipped) == ("library", len(rows), [])
        moved = _library_rows(other)
    assert moved == original
    reasons = {row[2] for row in moved}
    assert {"'=cmd", "'=SUM(A1)", "''=x", "-5", "'-5"} <= reasons


def test_the_placements_ledger_goes_through_its_csv_unchanged(tmp_path: Path) -> None:
    values = tricky_values(count=100)
    placements = [parse_placement(PlacementInput(
        source_url=f"https://blog{index}.example.org/post", target_url="https://acme-widgets.com/",
        anchor=value, contact=values[-index - 1], notes=value + "\n" + values[index // 2],
        tag=values[(index * 7) % len(values)], price="120.50", currency="EUR"))
        for index, value in enumerate(values)]
    out = tmp_path / "placements.csv"
    with Project.open(tmp_path / "acme.linkdesk") as project:
        project.set_setting(Key.SITES, ["acme-widgets.com"])
        apply_change(project.db, plan_add(project.db, placements))
        before = [p.placement for p in load_placements(project.db)]
        assert export_placements(project.db, out) == len(placements)
    with Project.open(tmp_path / "other.linkdesk") as other:
        other.set_setting(Key.SITES, ["acme-widgets.com"])
        result = import_placements(other.db, out)
        assert (result.added, result.skipped) == (len(placements), [])
        after = [p.placement for p in load_placements(other.db)]
    assert after == before
    anchors = {placement.anchor for placement in after}
    assert {"'=cmd", "'=SUM(A1)", "'-5"} <= anchors
    assert any("\n" in placement.notes for placement in after)


def test_a_placements_sheet_saved_by_a_spreadsheet_reads_sensibly(tmp_path: Path) -> None:
    """A sheet never written by LinkDesk: formulas typed as text, quotes, numbers."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("source_url,target_url,anchor,price,notes\n"
                     "https://a.example.org/x,https://acme-widgets.com/,=cheap widgets,-,\n"
                     "https://b.example.org/y,https://acme-widgets.com/,'quoted',80,-5 off\n",
                     encoding="utf-8")
    with Project.open(tmp_path / "acme.linkdesk") as project:
        with pytest.raises(Exception, match="price"):  # "-" is no amount paid: refused
            import_placements(project.db, sheet)
        sheet.write_text(sheet.read_text(encoding="utf-8").replace(",-,", ",,"),
                         encoding="utf-8")
        import_placements(project.db, sheet)
        read = {p.placement.anchor: p.placement for p in load_placements(project.db)}
    assert set(read) == {"=cheap widgets", "'quoted'"}
    assert read["'quoted'"].notes == "-5 off" and read["'quoted'"].price == 80


def test_placements_export_writes_numbers_unguarded(tmp_path: Path) -> None:
    with Project.open(tmp_path / "acme.linkdesk") as project:
        apply_change(project.db, plan_add(project.db, [parse_placement(PlacementInput(
            source_url="https://blog.example.org/p", target_url="https://acme-widgets.com/",
            anchor="-5", price="0.5"))]))
        export_placements(project.db, tmp_path / "out.csv")
    rows = read_csv(tmp_path / "out.csv")
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["anchor"] == "-5" and row["price"].startswith("0.5")


def test_guard_is_one_function_for_every_writer_and_reader() -> None:
    """The four copies are folded: the writers and readers name core/cells.py."""
    root = Path(__file__).resolve().parents[1] / "linkdesk"
    for path in ("core/exports/table_csv.py", "core/verdicts/transfer.py",
                 "core/placements/csvio.py"):
        text = (root / path).read_text(encoding="utf-8")
        assert "from linkdesk.core.cells import" in text, path
        assert "def _unguard" not in text and "needs_guard(" not in text, path

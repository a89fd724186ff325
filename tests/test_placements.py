"""The placements ledger: statuses from live pages, import, matching, history, value.

Pages come from a loopback `PageServer` (test_checker_server.py); the project's links from
generated vendor exports (exportgen). No placement page below is one of the project's links
unless a test says so: the check of pages outside the links table is the point.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from exportgen import LinkRecord, make_profile, write_ahrefs, write_semrush
from test_checker_server import PageServer, page, page_server, redirect

from linkdesk import cli
from linkdesk.core.checker import CheckOptions
from linkdesk.core.exports.placements import export_placements
from linkdesk.core.importers.lines import MAX_LINE_BYTES
from linkdesk.core.importers.pipeline import import_file
from linkdesk.core.placements import (
    PlacementError,
    PlacementImportError,
    PlacementInput,
    apply_change,
    check_placements,
    expiring,
    import_placements,
    load_placements,
    matched_link,
    parse_placement,
    plan_add,
    plan_delete,
    plan_edit,
    read_table,
    refresh_statuses,
    revert_change,
    status_history,
    totals,
    vendor_names,
)
from linkdesk.core.scoring import rescore
from linkdesk.core.store import Project
from linkdesk.core.store.settings import Key

TARGET = "https://acme-widgets.com/widgets"
TODAY = datetime.date(2026, 12, 5)
FAST = CheckOptions(page_timeout=5, connect_timeout=5, read_timeout=5)


def _project(path: Path, records: list[LinkRecord] | None = None) -> Project:
    project = Project.open(path)
    project.set_setting(Key.SITES, ["acme-widgets.com"])
    export = path.with_name(path.stem + "-ahrefs.csv")
    write_ahrefs(export, records if records is not None else list(make_profile(40, seed=5)))
    import_file(project, export)
    return project


def _add(project: Project, **fields: str) -> int:
    change = plan_add(project.db, [parse_placement(PlacementInput(**fields))])
    apply_change(project.db, change)
    return change.edits[0].placement_id


@pytest.fixture
def server() -> Iterator[PageServer]:
    with page_server() as served:
        yield served


def _a(href: str, text: str = "Acme widgets", rel: str = "") -> str:
    rel_attribute = f' rel="{rel}"' if rel else ""
    return f'<p>Read about <a href="{href}"{rel_attribute}>{text}</a> here.</p>'


def test_each_status_and_what_differs(tmp_path: Path, server: PageServer) -> None:
    server.routes.update({
        "/kept": page(_a(TARGET)),
        "/dropped": page("<p>No links any more.</p>"),
        "/nofollowed": page(_a(TARGET, rel="nofollow")),
        "/reworded": page(_a(TARGET, text="click here")),
        "/elsewhere": page(_a("https://acme-widgets.com/other-page")),
        "/both": page(_a(TARGET, text="widgets", rel="sponsored")),
        "/moved": redirect("/dropped"),
        # /deleted is not a route: 404
    })
    with _project(tmp_path / "acme.linkdesk") as project:
        ids = {name: _add(project, source_url=server.url(f"/{name}"), target_url=TARGET,
                          anchor="Acme widgets", expires_on="2027-06-01")
               for name in ("kept", "dropped", "nofollowed", "reworded", "elsewhere", "both",
                            "moved", "deleted")}
        ids["expired"] = _add(project, source_url=server.url("/kept"), target_url=TARGET + "?x",
                              expires_on="2026-11-30")
        ids["domain only"] = _add(project, source_url="widgetblog.example", target_url=TARGET)
        # None of these pages is a link of the project.
        assert all(matched_link(project.db, p.placement) is None
                   for p in load_placements(project.db))
        result = check_placements(project, options=FAST, today=TODAY)
        assert result.summary.pages == 8 and result.not_checkable == 1
        found = {p.id: (p.status, p.differences) for p in load_placements(project.db)}

    expected = {
        "kept": ("live", ()), "dropped": ("missing", ()), "nofollowed": ("changed", ("rel",)),
        "reworded": ("changed", ("anchor",)), "elsewhere": ("changed", ("target",)),
        "both": ("changed", ("rel", "anchor")), "moved": ("gone", ()),
        "deleted": ("gone", ()), "expired": ("expired", ()),
        "domain only": ("unchecked", ()),
    }
    assert {name: found[i] for name, i in ids.items()} == expected


def test_list_json_has_the_words_of_the_issue(tmp_path: Path, server: PageServer,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    server.routes["/post"] = page(_a(TARGET, rel="nofollow ugc"))
    path = tmp_path / "acme.linkdesk"
    _project(path).close()
    assert cli.main(["placements", "add", str(path), "--page", server.url("/post"),
                     "--target", TARGET, "--price", "120", "--currency", "EUR",
                     "--type", "guest post"]) == 0
    assert cli.main(["placements", "check", str(path), "--timeout", "5"]) == 0
    out = capsys.readouterr().out
    assert "unchecked -> changed (rel)" in out
    # The issue's order (action after the project) and the bare form both list.
    assert cli.main(["placements", str(path), "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert cli.main(["placements", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == rows
    assert [(r["source_url"], r["target_url"], r["status"], r["differences"], r["vendors"])
            for r in rows] == [(server.url("/post"), TARGET, "changed", ["rel"], [])]


def test_history_records_each_status_and_check_returns_only_changes(
    tmp_path: Path, server: PageServer
) -> None:
    server.routes["/post"] = page("<p>not yet</p>")
    server.routes["/steady"] = page(_a(TARGET))
    with _project(tmp_path / "acme.linkdesk") as project:
        post = _add(project, source_url=server.url("/post"), target_url=TARGET)
        _add(project, source_url=server.url("/steady"), target_url=TARGET)
        first = check_placements(project, options=FAST, today=TODAY)
        assert {(c.placement_id, c.before, c.after) for c in first.changes} == {
            (post, "unchecked", "missing"), (post + 1, "unchecked", "live")}
        server.routes["/post"] = page(_a(TARGET, text="Acme"))
        second = check_placements(project, options=FAST, today=TODAY)
        assert [(c.placement_id, c.before, c.after) for c in second.changes] == [
            (post, "missing", "live")]
        assert check_placements(project, options=FAST, today=TODAY).changes == []
        history = status_history(project.db, post)
    assert [status for _, status, _, _ in history] == ["unchecked", "missing", "live"]
    assert all(len(recorded) == 20 and recorded.endswith("Z") for recorded, *_ in history)


def test_expiry_and_the_fourteen_days_notice(tmp_path: Path) -> None:
    with _project(tmp_path / "acme.linkdesk") as project:
        soon = _add(project, source_url="https://blog.example.com/a", target_url=TARGET,
                    expires_on="2026-12-19")
        _add(project, source_url="https://blog.example.com/b", target_url=TARGET,
             expires_on="2026-12-20")
        _add(project, source_url="https://blog.example.com/c", target_url=TARGET,
             expires_on="04.12.2026")
        assert [p.id for p in expiring(project.db, today=TODAY)] == [soon]
        # Ten days earlier none had expired; on TODAY the third has.
        refresh_statuses(project.db, today=TODAY - datetime.timedelta(days=10))
        assert {p.status for p in load_placements(project.db)} == {"unchecked"}
        changes = refresh_statuses(project.db, today=TODAY)
        assert [(c.placement_id, c.after) for c in changes] == [(soon + 2, "expired")]


def test_a_placement_is_matched_once_a_vendor_reports_it(tmp_path: Path) -> None:
    records = list(make_profile(60, seed=9))
    placed = records[45]
    with _project(tmp_path / "acme.linkdesk", records[:30]) as project:
        # Typed with the scheme and host in capitals and a fragment: the same link.
        scheme, rest = placed.source_url.split("://", 1)
        host, path = rest.split("/", 1)
        typed = f"{scheme.upper()}://{host.upper()}/{path}#comments"
        pid = _add(project, source_url=typed, target_url=placed.target_url)
        stored = load_placements(project.db, [pid])[0]
        assert matched_link(project.db, stored.placement) is None  # not yet in any export
        semrush = tmp_path / "semrush.csv"
        write_semrush(semrush, records[30:])
        import_file(project, semrush)
        link = matched_link(project.db, stored.placement)
        assert link is not None and vendor_names(link[1]) == ("semrush",)
        assert link[2] == placed.source_url


def test_import_refuses_a_file_with_bad_rows_naming_their_lines(tmp_path: Path) -> None:
    csv_file = tmp_path / "bought.csv"
    csv_file.write_text(
        "source_url,target_url,anchor,rel,price,currency,placed_on,expires_on,type,contact\n"
        "https://blog.example.com/a,https://acme-widgets.com/,Acme,follow,120,EUR,"
        "2026-03-02,,guest post,Jo\n"
        "https://blog.example.com/b,not a url at all,Acme,,80,EUR,,,,\n"
        "https://blog.example.com/c,https://acme-widgets.com/,Acme,maybe,,,,,,\n"
        "https://blog.example.com/d,https://acme-widgets.com/,Acme,,,,31.02.2026,,,\n",
        encoding="utf-8")
    with _project(tmp_path / "acme.linkdesk") as project:
        with pytest.raises(PlacementImportError) as refused:
            import_placements(project.db, csv_file)
        assert project.db.execute("SELECT count(*) FROM placements").fetchone()[0] == 0
    message = str(refused.value)
    assert "3 bad rows; nothing imported" in message
    assert "line 3: target URL 'not a url at all'" in message
    assert "line 4: rel 'maybe' is not one of" in message
    assert "line 5: placed date '31.02.2026' is not a date" in message


def test_import_refuses_an_unreadable_csv_naming_the_file_and_line(tmp_path: Path) -> None:
    # A cell longer than the csv module's limit (the importers raise it to MAX_LINE_BYTES).
    bad_row = ("https://blog.example.com/a,https://acme-widgets.com/,\""
               + "x" * (MAX_LINE_BYTES + 1) + "\"\n")
    text = ("source_url,target_url,anchor\n"
            "https://blog.example.com/b,https://acme-widgets.com/,Acme\n" + bad_row)
    refused = r"bought\.csv: line 3: not a readable CSV"
    with _project(tmp_path / "acme.linkdesk") as project, \
            pytest.raises(PlacementImportError, match=refused):
        read_table(project.db, text, "bought.csv")


def test_import_refuses_a_file_too_big_to_read_whole(tmp_path: Path) -> None:
    csv_file = tmp_path / "huge.csv"
    with csv_file.open("wb") as out:  # sparse: its size says 1 GB, its disk use is nothing
        out.write(b"source_url,target_url\n")
        out.truncate(1024 ** 3)
    with _project(tmp_path / "acme.linkdesk") as project:
        with pytest.raises(PlacementImportError, match=r"huge\.csv: over 16 MB"):
            import_placements(project.db, csv_file)
        assert project.db.execute("SELECT count(*) FROM placements").fetchone()[0] == 0


def test_import_skips_duplicates_reads_currencies_and_remembers_a_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "Seite;Ziel;Preis;Währung;Art\n"
    first = tmp_path / "first.csv"
    first.write_text(header
                     + "https://blog.example.com/a;https://acme-widgets.com/;120,50;€;PR\n"
                     + "https://BLOG.example.com/a#top;https://acme-widgets.com/;99;EUR;PR\n"
                     + "news.example.org;https://acme-widgets.com/shop;80;usd;directory\n",
                     encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text(header + "https://blog.example.com/a;https://acme-widgets.com/;1;EUR;PR\n"
                      "https://blog.example.com/z;https://acme-widgets.com/;45;GBP;outreach\n",
                      encoding="utf-8")
    path = tmp_path / "acme.linkdesk"
    _project(path).close()
    maps = ["--map", "source_url=Seite", "--map", "target_url=Ziel", "--map", "price=Preis",
            "--map", "currency=Währung", "--map", "type=Art"]
    assert cli.main(["placements", "import", str(path), str(first), *maps]) == 0
    out = capsys.readouterr().out
    assert "2 placements added" in out and "line 3:" in out and "already on line 2" in out
    assert cli.main(["placements", str(path), "import", str(second)]) == 0  # remembered
    out = capsys.readouterr().out
    assert "1 placement added" in out and "already placement 1" in out
    with Project.open(path) as project:
        rows = [(p.placement.page, p.placement.price, p.placement.currency, p.placement.type)
                for p in load_placements(project.db)]
    assert rows == [("https://blog.example.com/a", 120.5, "EUR", "pr"),
                    ("news.example.org", 80.0, "USD", "directory"),  # as typed
                    ("https://blog.example.com/z", 45.0, "GBP", "outreach")]


def test_cli_import_of_a_bad_file_fails_with_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acme.linkdesk"
    _project(path).close()
    bad = tmp_path / "bad.csv"
    bad.write_text("page,target\nhttps://a.example.com/x,https://acme-widgets.com/\n"
                   "https://b.example.com/y,\n", encoding="utf-8")
    assert cli.main(["placements", "import", str(path), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "1 bad row; nothing imported" in err and "line 3: target URL '' is empty" in err
    assert "Traceback" not in err


def test_export_reads_back(tmp_path: Path) -> None:
    with _project(tmp_path / "acme.linkdesk") as project:
        _add(project, source_url="https://blog.example.com/a", target_url=TARGET,
             anchor="=cheap widgets", rel="sponsored", price="120", currency="EUR",
             placed_on="2026-03-02", expires_on="2027-03-02", type="niche edit",
             contact="Jo", notes="two, with a comma", tag="spring")
        _add(project, source_url="example.org", target_url=TARGET)
        out = tmp_path / "placements.csv"
        assert export_placements(project.db, out) == 2
        before = [p.placement for p in load_placements(project.db)]
    with _project(tmp_path / "other.linkdesk") as other:
        import_placements(other.db, out)
        after = [p.placement for p in load_placements(other.db)]
    assert after == before


def test_add_edit_delete_undo_and_redo(tmp_path: Path) -> None:
    with _project(tmp_path / "acme.linkdesk") as project:
        db = project.db
        add = plan_add(db, [parse_placement(PlacementInput(
            source_url="https://blog.example.com/a", target_url=TARGET))])
        apply_change(db, add)
        pid = add.edits[0].placement_id
        edited = parse_placement(PlacementInput(source_url="https://blog.example.com/a",
                                                target_url=TARGET, anchor="Acme"))
        edit = plan_edit(db, pid, edited)
        apply_change(db, edit)
        assert load_placements(db)[0].placement.anchor == "Acme"
        revert_change(db, edit)
        assert load_placements(db)[0].placement.anchor == ""
        delete = plan_delete(db, [pid])
        apply_change(db, delete)
        assert load_placements(db) == []
        revert_change(db, delete)  # back with its id and its history
        assert [p.id for p in load_placements(db)] == [pid]
        assert status_history(db, pid)[0][1] == "unchecked"
        revert_change(db, add)
        apply_change(db, add)  # redo: the same id again
        assert [p.id for p in load_placements(db)] == [pid]


def test_value_bands_types_and_spend_per_strong_domain(tmp_path: Path) -> None:
    with _project(tmp_path / "acme.linkdesk", list(make_profile(300, seed=21))) as project:
        db = project.db
        rescore(db)
        strong = db.execute("SELECT domain FROM domain_scores WHERE band = 3 ORDER BY domain "
                            "LIMIT 1").fetchone()[0]
        weak = db.execute("SELECT domain FROM domain_scores WHERE band = 1 ORDER BY domain "
                          "LIMIT 1").fetchone()[0]
        _add(project, source_url=f"https://{strong}/a", target_url=TARGET, price="200",
             currency="EUR", type="guest_post")
        _add(project, source_url=f"https://{strong}/b", target_url=TARGET, price="100",
             currency="EUR", type="niche_edit")
        _add(project, source_url=f"https://{strong}/c", target_url=TARGET, price="50",
             currency="USD", type="niche_edit")
        _add(project, source_url=f"https://{weak}/a", target_url=TARGET, price="30",
             currency="EUR", type="directory")
        _add(project, source_url="https://never-seen.example/a", target_url=TARGET)
        found = totals(db)
    assert found.by_band == {"strong": 3, "weak": 1, "unscored": 1}
    assert found.by_type == {"guest_post": 1, "niche_edit": 2, "directory": 1, "other": 1}
    assert found.spend_per_strong_domain == {strong: {"EUR": 300.0, "USD": 50.0}}
    assert found.spend_by_type["niche_edit"] == {"EUR": 100.0, "USD": 50.0}


def test_the_placements_table_sorts_by_index_and_filters(tmp_path: Path) -> None:
    from linkdesk.core.tables.placements import PLACEMENTS
    from linkdesk.core.tables.query import TableQuery
    from linkdesk.core.tables.spec import Filters, Sort

    with _project(tmp_path / "acme.linkdesk") as project:
        db = project.db
        for number, placed in enumerate(("2026-03-02", "", "2025-01-09")):
            _add(project, source_url=f"https://blog{number}.example.com/post",
                 target_url=TARGET, placed_on=placed, notes=f"note {number}")
        for column in PLACEMENTS.columns:
            if not column.sortable:
                continue
            query = TableQuery(db, PLACEMENTS, sort=Sort(column.name, True))
            plan = " / ".join(row[-1] for row in
                              db.execute(f"EXPLAIN QUERY PLAN {query.order_sql()}"))
            assert "TEMP B-TREE" not in plan, (column.name, plan)
        by_date = TableQuery(db, PLACEMENTS, sort=Sort("placed_on")).ordered_ids()
        assert list(by_date) == [3, 1, 2]  # the blank date last
        assert list(TableQuery(db, PLACEMENTS, Filters(search="note 1")).ordered_ids()) == [2]
        assert len(TableQuery(db, PLACEMENTS, Filters(check="unchecked")).ordered_ids()) == 3
        with pytest.raises(ValueError, match="unknown placement status"):
            TableQuery(db, PLACEMENTS, Filters(check="page_error")).ordered_ids()


def test_rows_pasted_from_a_spreadsheet_without_their_header(tmp_path: Path) -> None:
    from linkdesk.core.placements import add_read

    pasted = ("https://blog.example.com/a\thttps://acme-widgets.com/\t120\n"
              "https://blog.example.com/b\thttps://acme-widgets.com/shop\tfree\n")
    with _project(tmp_path / "acme.linkdesk") as project:
        fields = ["source_url", "target_url", "price"]
        with pytest.raises(PlacementImportError, match="line 2: price 'free' is not a number"):
            read_table(project.db, pasted, "pasted rows", fields=fields)
        read = read_table(project.db, pasted.replace("free", "80"), "pasted rows",
                          fields=fields)
        assert read.lines == [1, 2]
        result = add_read(project.db, read)
        assert result.added == 2 and len(load_placements(project.db)) == 2
        revert_change(project.db, result.change)  # a paste is one undo step
        assert load_placements(project.db) == []


def test_a_placement_that_is_a_link_takes_the_links_live_check(
    tmp_path: Path, server: PageServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_checker_server import make_project

    from linkdesk.core.checker import check_links

    server.routes["/review"] = page(_a(TARGET, text="Acme widgets", rel="ugc"))
    path = make_project(tmp_path / "acme.linkdesk", [(server.url("/review"), TARGET)])
    with Project.open(path) as project:
        pid = _add(project, source_url=server.url("/review"), target_url=TARGET,
                   anchor="Acme widgets")
        assert load_placements(project.db, [pid])[0].status == "unchecked"
        check_links(project, options=FAST)  # `linkdesk check`, not the placements' check
        refresh_statuses(project.db, today=TODAY)
        stored = load_placements(project.db, [pid])[0]
        assert (stored.status, stored.differences) == ("changed", ("rel",))
    assert cli.main(["placements", "remove", str(path), str(pid)]) == 0
    assert cli.main(["placements", "remove", str(path), str(pid)]) == 1
    assert f"there is no placement {pid}" in capsys.readouterr().err


def _by_domain_and_target(records: list[LinkRecord]) -> dict[tuple[str, str], set[str]]:
    """The distinct pages of `records` per (registered domain, normalised target)."""
    from linkdesk.core.marks.model import typed_domain
    from linkdesk.core.urls import normalize_url

    found: dict[tuple[str, str], set[str]] = {}
    for record in records:
        source, target = normalize_url(record.source_url), normalize_url(record.target_url)
        if source and target:
            found.setdefault((typed_domain(source[1]), target[0]), set()).add(source[0])
    return found


def test_a_placement_known_only_by_its_domain_is_found_in_a_later_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from exportgen import write_majestic

    from linkdesk.core.placements import found_in
    from linkdesk.core.tables.placements import PLACEMENTS
    from linkdesk.core.tables.query import TableQuery

    records = list(make_profile(400, seed=31))
    early, later = records[:40], records[40:]
    known = _by_domain_and_target(early)
    groups = _by_domain_and_target(records)
    one = next(key for key, pages in groups.items() if len(pages) == 1 and key not in known)
    several = next(key for key, pages in groups.items() if len(pages) >= 2 and key not in known)
    path = tmp_path / "acme.linkdesk"
    with _project(path, early) as project:
        # The domain and the target's host typed in capitals: still the same.
        scheme, rest = one[1].split("://", 1)
        host, _, tail = rest.partition("/")
        single = _add(project, source_url=one[0].upper(),
                      target_url=f"{scheme}://{host.upper()}/{tail}", price="90", currency="EUR")
        shared = _add(project, source_url=several[0], target_url=several[1])
        for pid in (single, shared):
            placement = load_placements(project.db, [pid])[0].placement
            assert found_in(project.db, placement) == (0, "")
        majestic = tmp_path / "majestic.csv"
        write_majestic(majestic, later)  # another vendor, imported after the placements
        import_file(project, majestic)
        stored = {p.id: p.placement for p in load_placements(project.db)}
        bits, page = found_in(project.db, stored[single])
        assert vendor_names(bits) == ("majestic",) and page == next(iter(groups[one]))
        assert matched_link(project.db, stored[single]) is not None
        bits, page = found_in(project.db, stored[shared])
        assert vendor_names(bits) == ("majestic",) and page == ""  # which page: not known
        assert matched_link(project.db, stored[shared]) is None
        # What the user typed stays: the page is offered, not written.
        assert stored[single].source_url == "" and stored[single].domain == one[0]
        query = TableQuery(project.db, PLACEMENTS)
        names = [c.name for c in PLACEMENTS.columns]
        rows = query.rows([single, shared])
        vendors, found_page = names.index("vendors"), names.index("found_page")
        assert rows[single][vendors] == bits and rows[shared][vendors] == bits
        assert rows[single][found_page] == next(iter(groups[one]))
        assert rows[shared][found_page] is None
    assert cli.main(["placements", str(path), "--json"]) == 0
    listed = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed[single]["vendors"] == ["majestic"] and listed[single]["source_url"] is None
    assert listed[single]["found_page"] == next(iter(groups[one]))
    assert listed[shared]["vendors"] == ["majestic"] and listed[shared]["found_page"] is None
    assert cli.main(["placements", str(path)]) == 0
    assert f"the exports found it on {next(iter(groups[one]))}" in capsys.readouterr().out


def test_a_placement_known_only_by_its_domain_takes_its_one_links_live_check(
    tmp_path: Path, server: PageServer
) -> None:
    from test_checker_server import make_project

    from linkdesk.core.checker import check_links

    server.routes["/review"] = page(_a(TARGET, text="Acme widgets", rel="nofollow"))
    path = make_project(tmp_path / "acme.linkdesk", [(server.url("/review"), TARGET)])
    with Project.open(path) as project:
        pid = _add(project, source_url="127.0.0.1", target_url=TARGET, anchor="Acme widgets")
        check_links(project, options=FAST)
        refresh_statuses(project.db, today=TODAY)
        stored = load_placements(project.db, [pid])[0]
        assert (stored.status, stored.differences) == ("changed", ("rel",))
        assert stored.placement.source_url == ""


@pytest.mark.parametrize(("later", "expected"), [
    ("15/03/2026", "2026-03-02"),  # the file writes the day first
    ("03/15/2026", "2026-02-03"),  # the file writes the month first
])
def test_an_ambiguous_date_is_read_as_the_rest_of_its_file_writes_dates(
        tmp_path: Path, later: str, expected: str) -> None:
    csv_file = tmp_path / "bought.csv"
    csv_file.write_text("source_url,target_url,placed_on,expires_on\n"
                        "https://a.example/1,https://acme-widgets.com/,02/03/2026,\n"
                        f"https://b.example/2,https://acme-widgets.com/,,{later}\n",
                        encoding="utf-8")
    with _project(tmp_path / "acme.linkdesk", list(make_profile(5, seed=2))) as project:
        assert import_placements(project.db, csv_file).added == 2
        first = load_placements(project.db)[0].placement
    assert first.placed_on == expected


def test_an_ambiguous_date_nothing_decides_is_refused_naming_line_and_value(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    undecided = tmp_path / "undecided.csv"
    undecided.write_text("source_url,target_url,placed_on\n"
                         "https://a.example/1,https://acme-widgets.com/,2026-01-09\n"
                         "https://b.example/2,https://acme-widgets.com/,02/03/2026\n",
                         encoding="utf-8")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("source_url,target_url,placed_on\n"
                     "https://a.example/1,https://acme-widgets.com/,25/12/2026\n"
                     "https://b.example/2,https://acme-widgets.com/,12/26/2026\n"
                     "https://c.example/3,https://acme-widgets.com/,04/05/2026\n",
                     encoding="utf-8")
    with _project(tmp_path / "acme.linkdesk", list(make_profile(5, seed=2))) as project:
        with pytest.raises(PlacementImportError) as refused:
            import_placements(project.db, undecided)
        assert ("line 3: placed date '02/03/2026' could be 2 March 2026 or 3 February 2026: "
                "write it as 2026-03-02 or 2026-02-03 (YYYY-MM-DD)") in str(refused.value)
        with pytest.raises(PlacementImportError) as refused:
            import_placements(project.db, mixed)
        assert "line 4: placed date '04/05/2026' could be" in str(refused.value)
        assert ("line 2: '25/12/2026' has the day first; line 3: '12/26/2026' has the month "
                "first") in str(refused.value)
        assert load_placements(project.db) == []
    # One date typed alone (the command line, the dialog): nothing says which, so it is asked.
    assert cli.main(["placements", "add", str(tmp_path / "acme.linkdesk"), "--page",
                     "https://a.example/1", "--target", TARGET, "--placed", "02/03/2026"]) == 2
    assert "placed date '02/03/2026' could be 2 March 2026 or 3 February 2026" in \
        capsys.readouterr().err


def _platform_blogs(records: list[LinkRecord]) -> tuple[str, dict[str, set[str]]]:
    """The target most wordpress.com blogs link to, and each blog's pages linking to it."""
    from linkdesk.core.urls import normalize_url

    blogs: dict[str, dict[str, set[str]]] = {}
    for record in records:
        source, target = normalize_url(record.source_url), normalize_url(record.target_url)
        if source and target and source[1].endswith(".wordpress.com"):
            host = source[1].removeprefix("www.")
            blogs.setdefault(target[0], {}).setdefault(host, set()).add(source[0])
    target = max(blogs, key=lambda t: len(blogs[t]))
    return target, blogs[target]


def test_a_blog_on_a_platform_keeps_its_host_and_matches_only_its_own_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 19: `traveltalk.wordpress.com` typed is that blog, not every wordpress.com blog."""
    from linkdesk.core.placements import domain_links, found_in
    from linkdesk.core.tables.placements import PLACEMENTS
    from linkdesk.core.tables.query import TableQuery

    records = list(make_profile(1000, seed=3))  # several wordpress.com blogs per target
    target, blogs = _platform_blogs(records)
    blog, sibling = sorted(blogs, key=lambda h: (len(blogs[h]), h))[:2]
    path = tmp_path / "acme.linkdesk"
    _project(path, records).close()
    assert cli.main(["placements", "add", str(path), "--url", blog.upper(),
                     "--target", target, "--price", "60", "--currency", "EUR"]) == 0
    assert f"{blog} -> {target}" in capsys.readouterr().out
    assert cli.main(["placements", "add", str(path), "--url", "wordpress.com",
                     "--target", target]) == 0
    capsys.readouterr()
    with Project.open(path) as project:
        one, whole = (p.placement for p in load_placements(project.db))
        assert (one.source_url, one.host, one.domain) == ("", blog, "wordpress.com")
        assert one.page == blog and whole.page == "wordpress.com"
        pages = {row[2] for row in domain_links(project.db, one)}
        assert pages == blogs[blog] and not pages & blogs[sibling]
        bits, found_page = found_in(project.db, one)
        assert bits and found_page == (next(iter(blogs[blog])) if len(blogs[blog]) == 1
                                       else "")
        # The bare registered domain still stands for every blog on it.
        everything = set().union(*blogs.values())
        assert {row[2] for row in domain_links(project.db, whole)} == everything
        # `www.` of the host typed is the same blog, as everywhere else.
        www = parse_placement(PlacementInput(source_url=f"www.{blog}", target_url=target))
        assert {row[2] for row in domain_links(project.db, www)} == blogs[blog]
        query = TableQuery(project.db, PLACEMENTS)
        names = [c.name for c in PLACEMENTS.columns]
        rows = query.rows([one.id, whole.id])
        assert rows[one.id][names.index("source_url")] == blog
        assert rows[whole.id][names.index("source_url")] == "wordpress.com"
    assert cli.main(["placements", str(path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(row["host"], row["domain"], row["source_url"]) for row in listed] == [
        (blog, "wordpress.com", None), ("wordpress.com", "wordpress.com", None)]
    assert cli.main(["placements", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{blog} -> {target}" in out and f"  wordpress.com -> {target}" in out


def test_import_paste_and_export_keep_the_host_typed(tmp_path: Path) -> None:
    with _project(tmp_path / "acme.linkdesk") as project:
        csv_file = tmp_path / "bought.csv"
        csv_file.write_text("source_url,target_url,price,currency\n"
                            f"TravelTalk.WordPress.com,{TARGET},90,EUR\n"
                            f"cookingcorner.wordpress.com,{TARGET},70,EUR\n"
                            f"wordpress.com,{TARGET},,\n"
                            f"bücher-blog.wordpress.com,{TARGET},,\n", encoding="utf-8")
        assert import_placements(project.db, csv_file).added == 4
        pasted = read_table(project.db, f"garden.wordpress.com\t{TARGET}\t\n", "pasted",
                            fields=("source_url", "target_url", "anchor"))
        assert [p.host for p in pasted.placements] == ["garden.wordpress.com"]
        stored = [p.placement for p in load_placements(project.db)]
        assert [(p.host, p.domain) for p in stored] == [
            ("traveltalk.wordpress.com", "wordpress.com"),
            ("cookingcorner.wordpress.com", "wordpress.com"),
            ("wordpress.com", "wordpress.com"),
            ("xn--bcher-blog-9db.wordpress.com", "wordpress.com")]
        out = tmp_path / "placements.csv"
        assert export_placements(project.db, out) == 4
        assert "cookingcorner.wordpress.com," in out.read_text(encoding="utf-8")
    with _project(tmp_path / "other.linkdesk") as other:
        import_placements(other.db, out)
        assert [p.placement for p in load_placements(other.db)] == stored
        # The same blog again is a duplicate; a sibling blog is not.
        again = read_table(other.db, f"source_url,target_url\ntraveltalk.wordpress.com,{TARGET}\n"
                           f"sunny.wordpress.com,{TARGET}\n", "again.csv")
        assert [p.host for p in again.placements] == ["sunny.wordpress.com"]
        assert len(again.skipped) == 1


def test_a_domain_only_placement_of_an_older_project_still_stands_for_its_domain(
    tmp_path: Path
) -> None:
    """Schema 9's placements have no host: after the upgrade, '' is the registered domain."""
    import shutil

    from linkdesk.core.placements import domain_links

    path = tmp_path / "v9.linkdesk"
    shutil.copy(Path(__file__).parent / "data" / "upgrades" / "v9.linkdesk", path)
    with Project.open(path) as project:
        by_page = {p.placement.page: p.placement for p in load_placements(project.db)}
        old = by_page["dailyhouse.de"]
        assert (old.source_url, old.host, old.domain) == ("", "", "dailyhouse.de")
        links = {row[0] for row in project.db.execute(
            "SELECT id FROM links WHERE domain = 'dailyhouse.de' AND target_url = ?",
            (old.target_url,))}
        assert links and {row[0] for row in domain_links(project.db, old)} == links


def test_a_header_of_a_hundred_thousand_columns_is_refused_in_a_few_words(
        tmp_path: Path) -> None:
    """A file no ledger is (a transposed sheet, a broken export): said in one short message,
    not handed on to a column mapping of 100,000 menu entries per field."""
    from linkdesk.core.placements import UnknownHeader

    wide = tmp_path / "wide.csv"
    columns = 100_000
    wide.write_text(",".join(f"column {n}" for n in range(columns)) + "\n"
                    + ",".join(f"https://blog{n}.example/" for n in range(columns)) + "\n",
                    encoding="utf-8")
    long_names = tmp_path / "long.csv"
    long_names.write_text(",".join(f"{'x' * 2000} {n}" for n in range(30)) + "\n"
                          + ",".join("https://blog.example/" for _ in range(30)) + "\n",
                          encoding="utf-8")
    # Excel writes empty columns after the last one used: those are no columns at all.
    trailing = tmp_path / "trailing.csv"
    trailing.write_text("source_url,target_url" + "," * 20_000 + "\n"
                        "https://blog.example/a,https://acme-widgets.com/" + "," * 20_000
                        + "\n", encoding="utf-8")
    with _project(tmp_path / "acme.linkdesk", list(make_profile(5, seed=2))) as project:
        with pytest.raises(PlacementImportError) as refused:
            import_placements(project.db, wide)
        assert not isinstance(refused.value, UnknownHeader)
        message = str(refused.value)
        assert message.startswith(f"{wide}: line 1 has 100,000 columns")
        assert len(message) < 400 + len(str(wide))
        with pytest.raises(UnknownHeader) as unknown:
            import_placements(project.db, long_names)
        assert len(str(unknown.value)) < 1_000 + len(str(long_names))
        assert "and 20 more" in str(unknown.value)
        assert import_placements(project.db, trailing).added == 1


def test_an_exported_price_keeps_its_cents(tmp_path: Path) -> None:
    """`placements export` wrote 80.55 as 80.5 (one decimal): reading it back lost 5 cents."""
    with _project(tmp_path / "acme.linkdesk", list(make_profile(5, seed=2))) as project:
        _add(project, source_url="https://cents.example/post",
             target_url="https://acme-widgets.com/", price="80.55", currency="EUR")
        out = tmp_path / "ledger.csv"
        export_placements(project.db, out)
        assert ",80.55,EUR," in out.read_text(encoding="utf-8")


def test_a_column_is_named_by_its_place_when_its_name_does_not_tell(tmp_path: Path) -> None:
    """`--map target_url=#2`: the second column, for headers with two columns of one name
    or a column without a name; a column really called "#9" is still taken by its name."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("URL,URL,,#9\n"
                     "https://same-name.example/post,https://acme-widgets.com/shop,note,70\n",
                     encoding="utf-8")
    with _project(tmp_path / "acme.linkdesk", list(make_profile(5, seed=2))) as project:
        mapping = {"source_url": "#1", "target_url": "#2", "notes": "#3", "price": "#9"}
        assert import_placements(project.db, sheet, mapping).added == 1
        added = load_placements(project.db)[-1].placement
        assert (added.source_url, added.target_url, added.notes, added.price) == (
            "https://same-name.example/post", "https://acme-widgets.com/shop", "note", 70.0)
        with pytest.raises(PlacementImportError, match="no column '#12'"):
            import_placements(project.db, sheet, {"source_url": "#1", "target_url": "#12"})


def test_a_placement_another_process_added_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    """The window plans an add (its id is the next free one), and `linkdesk placements add`
    takes that id first: applying the window's add refuses, and the other's stays."""
    path = tmp_path / "acme.linkdesk"
    with _project(path) as window, Project.open(path) as other:
        planned = plan_add(window.db, [parse_placement(PlacementInput(
            source_url="https://blog.example.org/post", target_url="https://acme-widgets.com/"))])
        theirs = _add(other, source_url="https://news.example.net/story",
                      target_url="https://acme-widgets.com/pricing")
        assert theirs == planned.edits[0].placement_id
        with pytest.raises(PlacementError, match="added meanwhile by another LinkDesk"):
            apply_change(window.db, planned)
        assert [s.placement.source_url for s in load_placements(window.db)] == [
            "https://news.example.net/story"]

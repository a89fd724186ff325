"""The verdict library (issue 20): fed by marks in every project, read by the others, applied
with a preview and undo, moved as CSV, and never a reason for a mark or a project to fail."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import make_profile, write_semrush

from linkdesk.core.disavow import import_disavow
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.library import (
    Library,
    LibraryError,
    all_verdicts,
    earlier_verdicts,
    judged_sql,
    library_path,
    load_judged,
    never_judged_sql,
    project_id,
    set_project_options,
)
from linkdesk.core.library import store as library_store
from linkdesk.core.marks import (
    MarkKind,
    apply_change,
    domain_marks,
    plan_domain_marks,
    revert_change,
)
from linkdesk.core.store import Project
from linkdesk.core.verdicts import export_csv, plan_apply
from linkdesk.core.verdicts import import_file as import_verdicts

DISAVOW, KEEP, REVIEW = MarkKind.DISAVOW, MarkKind.KEEP, MarkKind.REVIEW


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two clients' projects whose profiles share their referring domains (the same spam
    networks and directories turn up for every client), and a third with half of them."""
    folder = tmp_path_factory.mktemp("clients")
    made = {}
    for name, site, links in (("acme", "acme-widgets.com", 600),
                              ("bolt", "bolt-supplies.com", 600),
                              ("cargo", "cargo-bikes.net", 300)):
        export = folder / f"{name}.csv"
        write_semrush(export, make_profile(links, site=site, seed=5))
        with Project.open(folder / f"{name}.linkdesk") as project:
            import_file(project, export, ImportOptions(site=site))
        made[name] = folder / f"{name}.linkdesk"
    return made


@pytest.fixture
def clients(built: dict[str, Path], tmp_path: Path) -> Iterator[dict[str, sqlite3.Connection]]:
    """Fresh copies of the three projects, open."""
    opened = {}
    for name, path in built.items():
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        opened[name] = Project.open(copy)
    yield {name: project.db for name, project in opened.items()}
    for project in opened.values():
        project.close()


def shared_domains(clients: dict[str, sqlite3.Connection], count: int) -> list[str]:
    """Referring domains every client has, most links first."""
    sets = [{row[0] for row in db.execute("SELECT domain FROM referring_domains")}
            for db in clients.values()]
    common = set.intersection(*sets)
    rows = clients["acme"].execute("SELECT domain FROM referring_domains ORDER BY links DESC, "
                                   "domain").fetchall()
    found = [domain for (domain,) in rows if domain in common and "." in domain
             and not domain.startswith("[") and not domain[0].isdigit()]
    assert len(found) >= count
    return found[:count]


def mark(db: sqlite3.Connection, domains: list[str], kind: MarkKind | None,
         reason: str = "") -> str:
    """Mark as the window and the command line do; returns the library warning."""
    return apply_change(db, plan_domain_marks(db, domains, kind, reason))


def library_rows() -> list[tuple[object, ...]]:
    with Library.open(create=False) as library:
        return library.db.execute(
            "SELECT v.domain, v.verdict, v.reason, v.decided_at, s.kind, s.id, s.name "
            "FROM verdicts AS v JOIN sources AS s ON s.id = v.source ORDER BY 1, 6").fetchall()


def marks_of(db: sqlite3.Connection) -> list[tuple[object, ...]]:
    return db.execute("SELECT * FROM domain_marks ORDER BY domain").fetchall()


# -- where it lives ---------------------------------------------------------------------------


def test_every_test_has_its_own_library(private_library: Path) -> None:
    assert library_path() == private_library
    real = Path(platformdirs.user_data_dir("LinkDesk", appauthor=False))
    assert real not in library_path().parents
    assert library_path("/elsewhere/lib.sqlite") == Path("/elsewhere/lib.sqlite")


# -- fed by marks -----------------------------------------------------------------------------


def test_a_verdict_given_in_one_project_is_seen_in_the_others(
        clients: dict[str, sqlite3.Connection]) -> None:
    acme, bolt = clients["acme"], clients["bolt"]
    spam, magazine = shared_domains(clients, 3)[:2], shared_domains(clients, 3)[2]
    assert mark(acme, spam, DISAVOW, "spam network") == ""
    assert mark(acme, [magazine], KEEP, "real magazine") == ""
    assert mark(clients["cargo"], spam[:1], DISAVOW, "PBN") == ""

    seen = earlier_verdicts(bolt)
    assert set(seen) == {*spam, magazine}
    first = seen[spam[0]]
    assert first.counts == {"disavow": 2}
    assert first.summary == "disavowed in 2 projects"
    assert set(first.reasons()) == {"spam network", "PBN"}
    assert {v.who for v in first.verdicts} == {"acme", "cargo"}
    assert all(v.decided_at.endswith("Z") for v in first.verdicts)
    assert seen[magazine].summary == "kept in 1 project"
    # A project's own verdicts are its marks, not "earlier verdicts".
    assert set(earlier_verdicts(acme)) == {spam[0]}
    assert earlier_verdicts(acme)[spam[0]].summary == "disavowed in 1 project"
    # Nothing was pushed into the other project by itself.
    assert marks_of(bolt) == []


def test_unmarking_undo_and_redo_update_the_library(
        clients: dict[str, sqlite3.Connection]) -> None:
    acme = clients["acme"]
    domains = shared_domains(clients, 2)
    change = plan_domain_marks(acme, domains, DISAVOW, "spam")
    apply_change(acme, change)
    assert [row[:2] for row in library_rows()] == sorted((d, "disavow") for d in domains)
    revert_change(acme, change)  # undo
    assert library_rows() == []
    apply_change(acme, change)  # redo
    assert len(library_rows()) == 2
    review = plan_domain_marks(acme, domains[:1], REVIEW, "look again")
    apply_change(acme, review)
    assert {row[0]: row[1:3] for row in library_rows()}[domains[0]] == ("review", "look again")
    revert_change(acme, review)
    assert {row[0]: row[1] for row in library_rows()}[domains[0]] == "disavow"
    mark(acme, domains, None)  # clear
    assert library_rows() == []


def test_importing_a_disavow_file_into_a_project_feeds_the_library(
        clients: dict[str, sqlite3.Connection], tmp_path: Path) -> None:
    domains = shared_domains(clients, 2)
    disavow = tmp_path / "client-disavow.txt"
    disavow.write_text(f"# link network\ndomain:{domains[0]}\ndomain:{domains[1]}\n")
    report = import_disavow(clients["acme"], disavow)
    assert report.library_warning == ""
    assert set(earlier_verdicts(clients["bolt"])) == set(domains)
    assert earlier_verdicts(clients["bolt"])[domains[0]].reasons() == ["link network"]


# -- applying earlier verdicts ----------------------------------------------------------------


def test_apply_previews_then_applies_as_one_undo_step_and_keep_wins(
        clients: dict[str, sqlite3.Connection]) -> None:
    acme, bolt, cargo = clients["acme"], clients["bolt"], clients["cargo"]
    found = shared_domains(clients, 5)
    spam, kept_here, reviewed, disputed = found[:2], found[2], found[3], found[4]
    mark(acme, [*spam, kept_here, reviewed], DISAVOW, "spam network")
    mark(acme, [disputed], DISAVOW, "looked spammy")
    mark(cargo, [disputed], KEEP, "the client's supplier")  # keep wins in the library too
    mark(bolt, [kept_here], KEEP, "our partner")  # the project's own keep always wins
    mark(bolt, [reviewed], REVIEW, "undecided")
    before = marks_of(bolt)

    plan = plan_apply(bolt)
    assert plan.judged == 5
    assert plan.project_wins == 1
    changes = {row.domain: (row.before, row.after) for row in plan.rows}
    assert changes == {spam[0]: (None, "disavow"), spam[1]: (None, "disavow"),
                       reviewed: ("review", "disavow"), disputed: (None, "keep")}
    assert plan.counts == {"disavow": 3, "keep": 1}
    row = next(row for row in plan.rows if row.domain == spam[0])
    assert row.reason == "judged before (disavowed in 1 project): spam network"
    assert marks_of(bolt) == before  # planning wrote nothing

    apply_change(bolt, plan.change)
    marks = domain_marks(bolt, [*spam, kept_here, reviewed, disputed])
    assert marks[kept_here].kind is KEEP and marks[kept_here].reason == "our partner"
    assert marks[reviewed].kind is DISAVOW and marks[disputed].kind is KEEP
    assert plan_apply(bolt).rows == ()  # nothing left to apply
    revert_change(bolt, plan.change)  # Edit > Undo
    assert marks_of(bolt) == before


def test_applied_verdicts_are_not_counted_again(clients: dict[str, sqlite3.Connection]) -> None:
    acme, bolt = clients["acme"], clients["bolt"]
    spam = shared_domains(clients, 2)
    mark(acme, spam, DISAVOW, "spam")
    apply_change(bolt, plan_apply(bolt).change)
    assert earlier_verdicts(clients["cargo"])[spam[0]].summary == "disavowed in 1 project"
    mark(bolt, spam[:1], DISAVOW, "checked it myself")  # the project's own decision counts
    assert earlier_verdicts(clients["cargo"])[spam[0]].summary == "disavowed in 2 projects"


def test_apply_can_be_limited_to_some_verdicts(clients: dict[str, sqlite3.Connection]) -> None:
    domains = shared_domains(clients, 2)
    mark(clients["acme"], domains[:1], DISAVOW)
    mark(clients["acme"], domains[1:], KEEP)
    plan = plan_apply(clients["bolt"], verdicts=["keep"])
    assert [(row.domain, row.after) for row in plan.rows] == [(domains[1], "keep")]


# -- the tables' column and filters ----------------------------------------------------------


def test_judged_before_and_never_judged_for_the_tables(
        clients: dict[str, sqlite3.Connection]) -> None:
    acme, bolt = clients["acme"], clients["bolt"]
    domains = shared_domains(clients, 4)
    mark(acme, domains[:2], DISAVOW, "spam")
    mark(acme, domains[2:3], KEEP)
    mark(bolt, domains[3:4], REVIEW)  # judged in this project
    assert load_judged(bolt) == ""
    shown = dict(bolt.execute(
        "SELECT d.domain, lv.summary FROM referring_domains AS d "
        "LEFT JOIN temp.library_verdicts AS lv ON lv.domain = d.domain "
        "WHERE lv.summary IS NOT NULL"))
    assert shown == {domains[0]: "disavowed in 1 project", domains[1]: "disavowed in 1 project",
                     domains[2]: "kept in 1 project"}
    disavowed = {row[0] for row in bolt.execute(
        f"SELECT domain FROM referring_domains AS d WHERE {judged_sql('d', 'disavow')}")}
    assert disavowed == set(domains[:2])
    never = {row[0] for row in bolt.execute(
        f"SELECT domain FROM referring_domains AS d WHERE {never_judged_sql('d')}")}
    everything = {row[0] for row in bolt.execute("SELECT domain FROM referring_domains")}
    assert never == everything - set(domains)
    # Loading again reflects the library now (a verdict withdrawn elsewhere).
    mark(acme, domains[:1], None)
    load_judged(bolt)
    assert bolt.execute("SELECT count(*) FROM temp.library_verdicts").fetchone()[0] == 2


def test_earlier_verdicts_for_many_domains_at_once(tmp_path: Path,
                                                   project: Project) -> None:
    names = [f"spam-{n}.xyz" for n in range(12_000)]
    (tmp_path / "big.txt").write_text("\n".join(names), encoding="utf-8")
    with Library.open() as library:
        report = import_verdicts(library, tmp_path / "big.txt")
    assert report.added == 12_000
    found = earlier_verdicts(project.db, domains=[*names, "not-judged.com"])
    assert len(found) == 12_000 and "not-judged.com" not in found
    assert found[names[-1]].summary == "disavowed in 1 list"


# -- confidential and opted-out projects ----------------------------------------------------


def test_a_confidential_project_is_counted_but_never_named(
        clients: dict[str, sqlite3.Connection]) -> None:
    acme, bolt = clients["acme"], clients["bolt"]
    domains = shared_domains(clients, 2)
    mark(acme, domains[:1], DISAVOW, "spam")  # named at first
    assert set_project_options(acme, confidential=True) == ""
    mark(acme, domains[1:], DISAVOW, "spam")
    seen = earlier_verdicts(bolt)
    assert [v.source_name for d in domains for v in seen[d].verdicts] == [None, None]
    assert seen[domains[0]].verdicts[0].who == "a confidential project"
    assert all(row[6] is None for row in library_rows())
    plan = plan_apply(bolt)
    assert all("acme" not in row.reason and "acme" not in row.summary for row in plan.rows)
    set_project_options(acme, confidential=False)
    assert {row[6] for row in library_rows()} == {"acme"}


def test_a_project_can_keep_its_marks_out_of_the_library(
        clients: dict[str, sqlite3.Connection]) -> None:
    acme = clients["acme"]
    domains = shared_domains(clients, 3)
    mark(acme, domains[:1], DISAVOW, "spam")
    assert set_project_options(acme, feed=False) == ""
    assert library_rows() == []  # its verdicts were taken out
    mark(acme, domains[1:], KEEP)
    assert library_rows() == []
    assert set_project_options(acme, feed=True) == ""  # copied in again, all of them
    assert sorted(row[:2] for row in library_rows()) == sorted(
        [(domains[0], "disavow"), (domains[1], "keep"), (domains[2], "keep")])


# -- moving it --------------------------------------------------------------------------------


def test_csv_round_trip_keeps_counts_reasons_dates_and_confidentiality(
        clients: dict[str, sqlite3.Connection], tmp_path: Path) -> None:
    domains = shared_domains(clients, 3)
    mark(clients["acme"], domains, DISAVOW, "=HYPERLINK(\"http://evil\")")
    set_project_options(clients["cargo"], confidential=True)
    mark(clients["cargo"], domains[:1], KEEP, "supplier, \"quoted\"\nsecond line")
    listed = tmp_path / "list.txt"
    listed.write_text("bücher.example\n")
    with Library.open() as library:
        import_verdicts(library, listed, verdict="review", reason="from a colleague")
        exported = export_csv(library, tmp_path / "verdicts.csv")
    assert exported == 5
    text = (tmp_path / "verdicts.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text  # a spreadsheet shows it, never runs it
    original = library_rows()

    with Library.open(tmp_path / "other-machine.sqlite") as other:
        report = import_verdicts(other, tmp_path / "verdicts.csv")
        assert (report.kind, report.added, report.skipped) == ("library", 5, [])
        moved = other.db.execute(
            "SELECT v.domain, v.verdict, v.reason, v.decided_at, s.kind, s.id, s.name "
            "FROM verdicts AS v JOIN sources AS s ON s.id = v.source ORDER BY 1, 6").fetchall()
        again = import_verdicts(other, tmp_path / "verdicts.csv")
        assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
        counted = {d.domain: d.summary for d in all_verdicts(other)}
    assert moved == original
    assert counted[domains[0]] == "disavowed in 1 project, kept in 1 project"


def test_importing_a_spreadsheet_column_and_a_disavow_file(tmp_path: Path) -> None:
    sheet = tmp_path / "audit.csv"
    sheet.write_text("Notes;Referring Domain\nok;www.Good-Site.com\nfine;https://blog.example.org/"
                     "post\nbad;not a domain\n;co.uk\n", encoding="cp1252")
    disavow = tmp_path / "disavow.txt"
    disavow.write_text("# paid links\ndomain:paid-links.example\nhttps://spam.example.net/page"
                       "\ndomain:blog.example.com\n", encoding="utf-8")
    with Library.open() as library:
        kept = import_verdicts(library, sheet, verdict="keep", reason="audit 2025")
        assert (kept.kind, kept.added) == ("list", 2)
        assert [(s.line, s.text) for s in kept.skipped] == [(4, "not a domain"), (5, "co.uk")]
        assert "public suffix" in kept.skipped[1].why
        gone = import_verdicts(library, disavow)
        assert gone.added == 1
        assert [s.line for s in gone.skipped] == [3, 4]
        assert "a page, not a domain" in gone.skipped[0].why
        assert "example.com" in gone.skipped[1].why  # a subdomain: not the whole domain
        found = {d.domain: d for d in all_verdicts(library)}
    assert set(found) == {"good-site.com", "example.org", "paid-links.example"}
    assert found["good-site.com"].verdicts[0].reason == "audit 2025"
    assert found["good-site.com"].verdicts[0].who == "list audit.csv"
    assert found["paid-links.example"].reasons("disavow") == ["paid links"]


def test_a_file_without_domains_changes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "notes.txt"
    empty.write_text("nothing to see\n")
    workbook = tmp_path / "audit.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with Library.open() as library:
        with pytest.raises(LibraryError, match=r"notes\.txt: no domain to import; line 1"):
            import_verdicts(library, empty)
        with pytest.raises(LibraryError, match=r"audit\.xlsx: a spreadsheet workbook .* save "
                                               "the sheet as CSV"):
            import_verdicts(library, workbook)
        assert all_verdicts(library) == []


# -- safety -----------------------------------------------------------------------------------


def test_a_corrupt_library_never_stops_marking_or_opening(
        clients: dict[str, sqlite3.Connection], private_library: Path, tmp_path: Path) -> None:
    garbage = b"this is no database at all\n" * 200
    private_library.write_bytes(garbage)
    acme, bolt = clients["acme"], clients["bolt"]
    domains = shared_domains(clients, 2)
    warning = mark(acme, domains[:1], DISAVOW, "spam")
    assert str(private_library) in warning and "damaged" in warning
    assert "the marks are kept" in warning
    assert mark(acme, domains[1:], DISAVOW, "spam") == ""  # said once
    assert set(domain_marks(acme, domains)) == set(domains)  # the marks are written
    with pytest.raises(LibraryError, match="damaged"):
        earlier_verdicts(bolt)
    assert "damaged" in load_judged(bolt)
    assert bolt.execute(f"SELECT count(*) FROM referring_domains AS d "
                        f"WHERE {never_judged_sql('d')}").fetchone()[0] > 0
    assert private_library.read_bytes() == garbage  # nothing written into it
    with Project.open(tmp_path / "acme.linkdesk") as again:  # a project still opens
        assert len(domain_marks(again.db, domains)) == 2


def test_a_newer_or_foreign_library_is_refused_and_left_alone(
        clients: dict[str, sqlite3.Connection], private_library: Path) -> None:
    with Library.open() as library:
        library.db.execute("PRAGMA user_version = 99")
    warning = mark(clients["acme"], shared_domains(clients, 1), DISAVOW)
    assert "newer LinkDesk" in warning
    private_library.unlink()
    Path(f"{private_library}-wal").unlink(missing_ok=True)
    Path(f"{private_library}-shm").unlink(missing_ok=True)

    foreign = sqlite3.connect(private_library)
    foreign.execute("CREATE TABLE notes (text TEXT)")
    foreign.commit()
    foreign.close()
    data = private_library.read_bytes()
    with pytest.raises(LibraryError, match="not a LinkDesk library"):
        Library.open()
    assert private_library.read_bytes() == data  # not switched to WAL, not given a schema
    assert not Path(f"{private_library}-wal").exists()


def test_a_locked_library_keeps_the_mark_and_warns(
        clients: dict[str, sqlite3.Connection], monkeypatch: pytest.MonkeyPatch) -> None:
    acme = clients["acme"]
    domains = shared_domains(clients, 2)
    mark(acme, domains[:1], KEEP)  # the library exists
    monkeypatch.setattr(library_store, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(library_path(), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another window writing, for longer than we wait
    try:
        warning = mark(acme, domains[1:], DISAVOW, "spam")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked" in warning
    assert domain_marks(acme, domains[1:])[domains[1]].kind is DISAVOW


WRITER = """
import sys
from linkdesk.core.library import store as library_store
from linkdesk.core.marks import apply_change, plan_domain_marks, MarkKind
from linkdesk.core.store import Project
# Nothing may be lost however long the other writer holds the library: on a loaded machine a
# process can wait on the other for more than the 5 s a user waits before the warning (that
# warning is tested above), so this checks the writing, not the machine's speed.
library_store.BUSY_TIMEOUT_MS = 120_000
with Project.open(sys.argv[1], create=False) as project:
    domains = [row[0] for row in project.db.execute(
        "SELECT domain FROM referring_domains WHERE domain LIKE '%.%' ORDER BY domain")]
    for domain in domains:  # one library transaction per mark, as a user clicks
        warning = apply_change(project.db, plan_domain_marks(
            project.db, [domain], MarkKind(sys.argv[2]), sys.argv[3]))
        if warning:
            print(warning)
            sys.exit(1)
print(len(domains))
"""


def test_two_processes_writing_at_once_lose_nothing(
        clients: dict[str, sqlite3.Connection]) -> None:
    paths = [Path(db.execute("PRAGMA database_list").fetchone()[2]) for db in clients.values()]
    repo = str(Path(__file__).resolve().parent.parent)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), kind, f"by {path.stem}"],
                                cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
               for path, kind in zip(paths[:2], ("disavow", "keep"), strict=True)]
    counts = []
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, out + err
        counts.append(int(out.split()[-1]))
    rows = library_rows()
    ids = {project_id(db) for db in list(clients.values())[:2]}
    assert len(rows) == sum(counts)
    assert {row[5] for row in rows} == ids
    assert {row[1] for row in rows if row[6] == "acme"} == {"disavow"}
    assert {row[1] for row in rows if row[6] == "bolt"} == {"keep"}


def test_a_folder_where_the_library_should_be_gives_a_warning(
        clients: dict[str, sqlite3.Connection], private_library: Path) -> None:
    private_library.mkdir()
    domains = shared_domains(clients, 1)
    warning = mark(clients["acme"], domains, DISAVOW)
    assert f"{private_library}: is a folder" in warning
    assert domains[0] in domain_marks(clients["acme"], domains)
    assert "setting is saved" in set_project_options(clients["acme"], confidential=True)


def test_a_file_with_only_a_schema_version_is_no_library(tmp_path: Path) -> None:
    # The project's rule, now shared: a file without LinkDesk's id that has a version (another
    # program's marker) is foreign, and is never switched to WAL.
    path = tmp_path / "library.sqlite"
    other = sqlite3.connect(path)
    other.execute("PRAGMA user_version = 1")
    other.close()
    data = path.read_bytes()
    with pytest.raises(LibraryError, match="not a LinkDesk library"):
        Library.open(path)
    assert path.read_bytes() == data
    assert not Path(f"{path}-wal").exists()

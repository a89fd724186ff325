"""Changed links told by two vendors over several monthly imports.

Found while checking why 6 of 15 edited links were not "changed" (they were lost at both
ends: tests/test_changes_command.py): when Ahrefs saw a link's anchor change and Semrush saw
the same link turn nofollow, the change said only "anchor" (the first vendor by name that
told anything was kept whole, the others dropped), so the nofollow a freelancer looks for in
the monthly review was hidden.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from exportgen import LinkRecord, make_profile, write_ahrefs, write_semrush

from linkdesk.cli import main
from linkdesk.core.store import Project
from linkdesk.core.tables import LINKS, Filters, TableQuery, with_marks
from linkdesk.core.timeline import compute_changes, since_point, until_point, with_since_review

SITE = "acme-widgets.com"
DAYS = ("2026-09-20", "2026-10-20", "2026-11-20")
REL = {False: "follow", True: "nofollow"}
Key = tuple[str, str]


def _anchor(record: LinkRecord) -> LinkRecord:
    return dataclasses.replace(record, anchor=f"{record.anchor} (new)")


def _rel(record: LinkRecord) -> LinkRecord:
    return dataclasses.replace(record, nofollow=not record.nofollow)


def _both(record: LinkRecord) -> LinkRecord:
    return _rel(_anchor(record))


def _same(record: LinkRecord) -> LinkRecord:
    return record


# group -> (first month the edit shows, what Ahrefs then says, what Semrush then says)
GROUPS: dict[str, tuple[int, Callable[[LinkRecord], LinkRecord],
                        Callable[[LinkRecord], LinkRecord]]] = {
    "anchor_october": (1, _anchor, _anchor),  # both vendors, a month before the last
    "rel_ahrefs": (2, _rel, _same),  # only Ahrefs sees it, in November
    "both_semrush": (2, _same, _both),  # only Semrush sees it
    "split": (2, _anchor, _rel),  # Ahrefs sees the anchor, Semrush the nofollow
}


@pytest.fixture(scope="module")
def monthly(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[Key]],
                                                               dict[Key, LinkRecord]]:
    """Ahrefs and Semrush exports of 20 Sep, Oct and Nov of 200 live links, 5 of each group
    edited; September reviewed. Returns the project, each group's links and the originals."""
    folder = tmp_path_factory.mktemp("vendors")
    records = [r for r in make_profile(500, site=SITE, seed=11)
               if r.anchor and r.lost is None and r.source_url.isascii()][:200]  # as stored
    groups = {name: [(r.source_url, r.target_url) for r in records[5 * i:5 * i + 5]]
              for i, name in enumerate(GROUPS)}
    edits = {key: GROUPS[name] for name, keys in groups.items() for key in keys}
    project = folder / "acme.linkdesk"
    for month, day in enumerate(DAYS):
        for vendor, write in ((0, write_ahrefs), (1, write_semrush)):
            rows = []
            for r in records:
                start, *says = edits.get((r.source_url, r.target_url), (9, _same, _same))
                rows.append(says[vendor](r) if month >= start else r)
            path = folder / f"{write.__name__}-{month}.csv"
            write(path, rows)
            assert main(["import", str(project), str(path), "--site", SITE, "--as-of", day,
                         "--no-score"]) == 0
        if month == 0:
            assert main(["review", str(project), "--done"]) == 0
    return project, groups, {(r.source_url, r.target_url): r for r in records}


def _expected(groups: dict[str, list[Key]], originals: dict[Key, LinkRecord],
              names: tuple[str, ...]) -> dict[Key, dict[str, tuple[str, str]]]:
    expected = {}
    for name in names:
        for key in groups[name]:
            r = originals[key]
            fields = {}
            if name in ("anchor_october", "both_semrush", "split"):
                fields["anchor"] = (r.anchor, f"{r.anchor} (new)")
            if name in ("rel_ahrefs", "both_semrush", "split"):
                fields["rel"] = (REL[r.nofollow], REL[not r.nofollow])
            expected[key] = fields
    return expected


@pytest.mark.parametrize("since, names", [
    ("2026-09-20", tuple(GROUPS)),
    ("2026-10-20", ("rel_ahrefs", "both_semrush", "split")),
])
def test_each_changed_link_says_what_any_vendor_saw_change(
        monthly: tuple[Path, dict[str, list[Key]], dict[Key, LinkRecord]], since: str,
        names: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    project, groups, originals = monthly
    expected = _expected(groups, originals, names)
    with Project.open(project) as opened:
        start = since_point(opened.db, since)
        changes = compute_changes(opened.db, start, until_point(opened.db, None, start))
        listed = {(c.url, c.target): c.fields for c in changes.links("changed")}
        assert (changes.counts.new_links, changes.counts.lost_links) == (0, 0)
    assert listed == expected
    capsys.readouterr()
    assert main(["changes", str(project), "--since", since, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {(e["url"], e["target"]): {name: tuple(pair) for name, pair in e["fields"].items()}
            for e in data["links"] if e["change"] == "changed"} == expected


def test_the_window_filter_lists_the_links_the_command_lists(
        monthly: tuple[Path, dict[str, list[Key]], dict[Key, LinkRecord]],
        capsys: pytest.CaptureFixture[str]) -> None:
    """The Links table's *Changed since last review* (what the History charts follow) and
    `linkdesk changes` (since the review of September) name the same links."""
    project, groups, _ = monthly
    capsys.readouterr()
    assert main(["changes", str(project), "--json", "--limit", "0"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed_links"] == sum(len(keys) for keys in groups.values())
    assert main(["changes", str(project), "--json"]) == 0
    command = {(e["url"], e["target"]) for e in json.loads(capsys.readouterr().out)["links"]
               if e["change"] == "changed"}
    with Project.open(project) as opened:
        query = TableQuery(opened.db, with_since_review(with_marks(LINKS)),
                           Filters(since_review="changed"))
        ids = list(query.ordered_ids())
        window = {tuple(row) for row in opened.db.execute(
            "SELECT source_url, target_url FROM links WHERE id IN "
            f"({', '.join(map(str, ids))})")}
    assert window == command == {key for keys in groups.values() for key in keys}

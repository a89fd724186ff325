"""`linkdesk stats` names its nofollow counts as the Dashboard and the Links table mean them.

Found in a user trial: `stats` printed "nofollow links 49,637" (every link that is not
followed: nofollow, ugc or sponsored) while the Dashboard's Nofollow bar said 44k (the rel
attribute nofollow alone).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from exportgen import make_profile, write_ahrefs

from linkdesk.cli import main
from linkdesk.core.profile import profile_sections
from linkdesk.core.store import Project
from linkdesk.core.tables import LINKS, Filters, Follow, TableQuery


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stats")
    write_ahrefs(folder / "ahrefs.csv", make_profile(3_000, seed=11))
    path = folder / "acme.linkdesk"
    assert main(["import", str(path), str(folder / "ahrefs.csv")]) == 0
    return path


def test_stats_words_match_the_dashboard_and_the_nofollow_filter(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Project.open(project, create=False) as opened:
        balance = dict(profile_sections(opened.db, None))["balance"]
        not_followed = TableQuery(opened.db, LINKS, Filters(follow=Follow.NOFOLLOW)).count()
    rel = balance.rel
    assert 0 < rel.nofollow < not_followed  # ugc and sponsored links make the difference
    capsys.readouterr()
    assert main(["stats", str(project)]) == 0
    lines = {line.split("  ")[0]: line.rsplit("  ", 1)[1].strip()
             for line in capsys.readouterr().out.splitlines()}
    assert lines["not followed"] == f"{not_followed:,} (links with nofollow, ugc or sponsored)"
    assert lines["followed links"] == f"{rel.dofollow:,} (no nofollow, ugc or sponsored)"
    assert lines["rel attributes"] == (
        f"nofollow {rel.nofollow:,}, ugc {rel.ugc:,}, sponsored {rel.sponsored:,} "
        "(links with each; a link may have several)")
    assert not any(name.startswith("nofollow") for name in lines)  # no "nofollow links"

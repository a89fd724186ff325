"""Attacks on the client report: where it is written, and what the white-label settings hold.

The settings come from a JSON file and from the project (`report_branding`), both files anyone
can edit or send: a stored logo path must never copy an arbitrary file into a report that goes
to a client, a stored accent never becomes markup, and the report never replaces a project.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from exportgen import make_profile, write_ahrefs

from linkdesk.cli import main
from linkdesk.core.importers.pipeline import import_file
from linkdesk.core.report import Branding, BrandingError, gather_report
from linkdesk.core.report.branding import checked
from linkdesk.core.report.logo import MAX_BYTES as LOGO_MAX_BYTES
from linkdesk.core.report.logo import read_logo
from linkdesk.core.store import Project, settings
from linkdesk.core.store.settings import Key

REPO = Path(__file__).resolve().parents[1]
SECRET = b"-----BEGIN OPENSSH PRIVATE KEY----- not for the client"


@pytest.fixture(autouse=True)
def private_report_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's white-label settings are its own file, never the user's."""
    path = tmp_path / "report-settings.json"
    monkeypatch.setenv("LINKDESK_REPORT_SETTINGS", str(path))
    return path


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    write_ahrefs(folder / "ahrefs.csv", make_profile(300, seed=5))
    path = folder / "client.linkdesk"
    with Project.open(path) as project:
        import_file(project, folder / "ahrefs.csv")
    return path


def _copy(project_file: Path, folder: Path, name: str = "client.linkdesk") -> Path:
    path = folder / name
    path.write_bytes(project_file.read_bytes())
    return path


def _links(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM links").fetchone()[0])


def _store_branding(path: Path, values: dict[str, str]) -> None:
    with Project.open(path) as project:
        settings.put(project.db, Key.REPORT_BRANDING, values)


def test_report_over_the_project_itself_is_refused(
        project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _copy(project_file, tmp_path, "client.html")  # a project with a report's name
    before = _links(path)
    assert main(["report", str(path), "-o", str(path)]) == 1
    assert "it is the open project" in capsys.readouterr().err
    assert _links(path) == before
    (tmp_path / "other.pdf").symlink_to(path)  # another spelling of the same file
    assert main(["report", str(path), "-o", str(tmp_path / "other.pdf")]) == 1
    assert _links(path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".part", ".tmp"))]


def test_a_stored_logo_that_is_no_image_is_never_embedded(
        project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "id_rsa"  # no suffix: its type was once guessed as PNG
    secret.write_bytes(SECRET)
    path = _copy(project_file, tmp_path)
    _store_branding(path, {"logo": str(secret)})
    out = tmp_path / "r.html"
    assert main(["report", str(path), "-o", str(out)]) == 1
    assert f"logo {secret}: not a PNG or JPEG image" in capsys.readouterr().err
    assert not out.exists()


def test_a_stored_accent_never_becomes_markup(project_file: Path, tmp_path: Path) -> None:
    path = _copy(project_file, tmp_path)
    _store_branding(path, {"accent": "red}</style><h1>INJECTED</h1><style>"})
    out = tmp_path / "r.html"
    assert main(["report", str(path), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "INJECTED" not in page and "#1f5f8b" in page


def test_logo_checks(tmp_path: Path) -> None:
    huge = tmp_path / "huge.png"
    with huge.open("wb") as out:  # a PNG signature, then far too much
        out.write(b"\x89PNG\r\n\x1a\n")
        out.truncate(LOGO_MAX_BYTES + 10)
    with pytest.raises(BrandingError, match="larger than 5 MB"):
        read_logo(str(huge))
    text_file = tmp_path / "logo.png"
    text_file.write_text("just text", encoding="utf-8")
    with pytest.raises(BrandingError, match="not a PNG or JPEG"):
        checked(Branding(logo=str(text_file)))
    with pytest.raises(BrandingError, match="is a folder"):
        read_logo(str(tmp_path))
    svg = tmp_path / "logo.svg"
    svg.write_text("<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'>"
                   "<script>alert(1)</script></svg>", encoding="utf-8")
    with pytest.raises(BrandingError, match="SVG images cannot be used"):
        read_logo(str(svg))  # it can carry scripts and external references


def test_an_svg_logo_is_refused_and_nothing_is_written(project_file: Path, tmp_path: Path,
                                                       qapp: object) -> None:
    from linkdesk.ui.report.document import ReportError, write_report

    svg = tmp_path / "logo"  # no name to go by: told by its content
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
                   "<script>alert(1)</script><rect width='10' height='10'/></svg>",
                   encoding="utf-8")
    with Project.open(project_file) as project:
        data = gather_report(project.db, branding=Branding(logo=str(svg), name="<b>Jo</b>"))
    for name in ("r.html", "r.pdf"):
        with pytest.raises(ReportError, match="SVG images cannot be used"):
            write_report(data, tmp_path / name)
        assert not (tmp_path / name).exists()


def test_damaged_settings_file(project_file: Path, tmp_path: Path,
                               private_report_settings: Path) -> None:
    for content in (b"\xff\xfe{not json", b"[1, 2]", b'{"name": 5, "accent": "#12"}',
                    b'{"name": "' + b"x" * 100_000 + b'\\u0000"}'):
        private_report_settings.write_bytes(content)
        out = tmp_path / "r.html"
        assert main(["report", str(project_file), "-o", str(out)]) == 0
    with sqlite3.connect(project_file) as db:  # the report only reads the project
        assert db.execute("SELECT count(*) FROM settings WHERE key = 'report_branding'"
                          ).fetchone()[0] == 0


def test_settings_file_named_by_the_variable_is_never_a_project(
        project_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = _copy(project_file, tmp_path)
    monkeypatch.setenv("LINKDESK_REPORT_SETTINGS", str(path))
    assert main(["report-settings", "--name", "Jo"]) == 1
    assert "LinkDesk project" in capsys.readouterr().err
    assert _links(path) > 0
    folder = tmp_path / "settings"
    folder.mkdir()
    monkeypatch.setenv("LINKDESK_REPORT_SETTINGS", str(folder))
    assert main(["report-settings", "--name", "Jo"]) == 1
    assert f"{folder}: a folder, not a settings file" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_settings_file_is_read_bounded(tmp_path: Path) -> None:
    """/dev/zero as the settings file (endless) and a 2 MB one: no settings, in a process
    limited to 1 GB (it was read whole)."""
    big = tmp_path / "report.json"
    big.write_text('{"name": "Jo", "footer": "' + "x" * 2_000_000 + '"}', encoding="utf-8")
    for where in ("/dev/zero", str(big)):
        script = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
                  "from linkdesk.core.report import user_branding; print(user_branding())")
        env = {**os.environ, "LINKDESK_REPORT_SETTINGS": where, "PYTHONPATH": str(REPO)}
        done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-500:]
        assert done.stdout.strip() == repr(Branding())


def test_damaged_as_of_is_not_the_latest_export(project_file: Path, tmp_path: Path) -> None:
    """An edited as_of ('garbage' sorts after every date) is passed over: the report's period
    ends on the latest readable export day, not on the damaged text."""
    path = _copy(project_file, tmp_path)
    with sqlite3.connect(path) as db:
        good = db.execute("SELECT max(as_of) FROM imports").fetchone()[0]
        names = [row[1] for row in db.execute("PRAGMA table_info(imports)")
                 if row[1] not in ("id", "file_sha256", "as_of")]
        db.execute(f"INSERT INTO imports ({', '.join(names)}, file_sha256, as_of) "
                   f"SELECT {', '.join(names)}, 'edited', 'garbage' FROM imports LIMIT 1")
    with Project.open(path) as project:
        data = gather_report(project.db)
    assert "garbage" not in data.until and all(s.latest == good for s in data.sources)

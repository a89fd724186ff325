"""The packaged app's recipe, checked without building it (packaging/build.sh builds it).

The spec takes what it collects and leaves out from `packaging/contents.py`: these tests check
that those files exist, that nothing the app imports is excluded, the Qt plugin filter, the
icons, the Linux .desktop file, and the version in Help > About.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import struct
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

import linkdesk
from linkdesk.core.demo import DEMO_EXPORTS
from linkdesk.ui.dialogs import about
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contents = load("contents")


def test_datas_ship_the_samples_icons_and_the_suffix_list() -> None:
    datas = contents.datas()
    missing = [source for source, _ in datas if not Path(source).is_file()]
    assert missing == []
    shipped = {f"{dest}/{Path(source).name}" for source, dest in datas}
    for name in DEMO_EXPORTS:
        assert f"linkdesk/resources/samples/{name}" in shipped
    assert "linkdesk/resources/icons/linkdesk.svg" in shipped
    assert "linkdesk/resources/__init__.py" in shipped
    # tldextract reads this file when it has no suffix list URL (linkdesk.core.urls): without
    # it, the frozen app fails on the first URL it normalises.
    assert "tldextract/.tld_set_snapshot" in shipped
    snapshot = contents.tldextract_snapshot().read_text(encoding="utf-8")
    assert "blogspot.com" in snapshot and "co.uk" in snapshot
    assert contents.EXTRA_MODULES["linkdesk.resources"].is_file()


def qt_modules_imported() -> set[str]:
    modules = set()
    for path in (ROOT / "linkdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            modules.update(name for name in names if name.startswith("PySide6."))
    return modules


def modules_loaded_by_the_window() -> set[str]:
    """Every module loaded once the window's modules are imported (pyqtgraph's included)."""
    code = ("import sys, linkdesk.cli, linkdesk.ui.app, linkdesk.commands.check; "
            "print(' '.join(sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    return set(result.stdout.split())


def test_nothing_the_app_imports_is_excluded() -> None:
    used = qt_modules_imported()
    assert {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg"} <= used
    excluded = set(contents.EXCLUDES)
    assert sorted(used & excluded) == []
    loaded = modules_loaded_by_the_window()
    assert "linkdesk.ui.main_window" in loaded
    # A module excluded from the app that the window loads would fail the frozen app at
    # start-up (as pyqtgraph's `PySide6.QtOpenGL` did).
    assert sorted(name for name in loaded if name in excluded) == sorted(
        name for name in contents.EXCLUDED_OPTIONAL if name in loaded)
    assert {"tkinter", "pytest", "PySide6.QtWebEngineCore", "PySide6.QtNetwork"} <= excluded


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6\\plugins\\platforms\\qwindows.dll", True),  # Windows wheels: no Qt folder
    ("PySide6\\translations\\qtbase_fr.qm", False),
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
    ("numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so", True),
])
def test_qt_filter(dest: str, kept: bool) -> None:
    assert contents.keep_qt_file(dest) is kept
    assert contents.keep_file(dest) is kept


def test_build_sources_are_left_out() -> None:
    assert not contents.keep_file("selectolax/lexbor.c")
    assert not contents.keep_file("selectolax/lexbor.pyx")
    assert contents.keep_file("selectolax/lexbor.cpython-311-x86_64-linux-gnu.so")
    assert contents.keep_file("linkdesk/resources/samples/ahrefs-backlinks.csv")


def test_libraries_of_dropped_plugins_are_left_out() -> None:
    links = {
        "/x/PySide6/QtWidgets.abi3.so": ["libQt6Widgets.so.6"],
        "/x/libQt6Widgets.so.6": ["libQt6Gui.so.6"],
        "/x/libQt6Gui.so.6": ["libc.so.6"],
        "/x/plugins/platforms/libqxcb.so": ["libQt6XcbQpa.so.6"],
        "/x/libQt6XcbQpa.so.6": [],
        "/x/libcairo.so.2": [],  # needed only by the GTK theme, already dropped
    }
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/x/PySide6/QtWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/x/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/x/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/plugins/platforms/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/x/libQt6XcbQpa.so.6", "BINARY"),
        ("libcairo.so.2", "/x/libcairo.so.2", "BINARY"),
        ("libpython3.11.so.1.0", "/x/libpython3.11.so.1.0", "BINARY"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
    ]
    def imports(source: str) -> list[str]:
        return links.get(source, [])

    assert contents.unneeded_libraries(binaries, imports) == {"libcairo.so.2"}
    links["/x/libQt6Widgets.so.6"] = []  # nothing kept needs QtGui any more
    assert contents.unneeded_libraries(binaries, imports) == {
        "libcairo.so.2", "PySide6/Qt/lib/libQt6Gui.so.6", "libQt6Gui.so.6"}


def test_only_plain_libraries_are_stripped(tmp_path: Path) -> None:
    for name in ("libpython3.11.so.1.0", "libxcb-icccm.so.4",
                 "libgfortran-040039e1-0352e75f.so.5.0.0",  # auditwheel's: patchelf-edited
                 "libscipy_openblas64_-32a4b2a6.so", "base_library.zip"):
        (tmp_path / name).write_bytes(b"\x7fELF")
    (tmp_path / "libQt6Core.so.6").symlink_to("PySide6/Qt/lib/libQt6Core.so.6")
    assert [path.name for path in contents.strippable_libraries(tmp_path)] == [
        "libpython3.11.so.1.0", "libxcb-icccm.so.4"]


def test_spec_builds_from_contents() -> None:
    text = (PACKAGING / "linkdesk.spec").read_text(encoding="utf-8")
    compile(text, "linkdesk.spec", "exec")
    for needle in ("contents.datas()", "copy_metadata(name)", "excludes=list(contents.EXCLUDES)",
                   "contents.keep_file", "contents.CLI_NAME", "console=True", "BUNDLE(",
                   "make_icons.py", "contents.EXTRA_MODULES"):
        assert needle in text, needle
    assert contents.METADATA == ("linkdesk",)  # the version the About dialog shows
    assert contents.project()["name"] == "linkdesk"


def test_pyproject_has_the_package_extra() -> None:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as file:
        extras = tomllib.load(file)["project"]["optional-dependencies"]
    assert any(requirement.lower().startswith("pyinstaller") for requirement in extras["package"])


def test_icons_are_rendered_for_every_platform(qapp: Any, tmp_path: Path) -> None:
    made = load("make_icons").make_icons(tmp_path)
    ico = made["ico"].read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 7)
    icns = made["icns"].read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    for size in (16, 48, 256, 512):
        image = QImage(str(tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "linkdesk.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not blank
    assert (tmp_path / "hicolor" / "scalable" / "apps" / "linkdesk.svg").is_file()


def test_desktop_file() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(contents.DESKTOP_FILE, encoding="utf-8")
    entry = parser["Desktop Entry"]
    for key in ("Type", "Name", "Exec", "Icon", "Categories", "Terminal", "StartupWMClass"):
        assert entry.get(key), key
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == contents.APP_NAME
    assert entry["Icon"] == "linkdesk"  # share/icons/hicolor/*/apps/linkdesk.png
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    # The window's desktop file name (linkdesk.ui.app) ties the window to this entry.
    assert entry["StartupWMClass"] == "linkdesk"
    assert 'setDesktopFileName("linkdesk")' in (ROOT / "linkdesk/ui/app.py").read_text()


def test_about_shows_the_version(qtbot: Any, tmp_path: Path) -> None:
    window = MainWindow(Preferences(QSettings(str(tmp_path / "settings.ini"),
                                              QSettings.Format.IniFormat)))
    qtbot.addWidget(window)
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    about_action = next(action for action in menus["&Help"].actions()
                        if action.text() == "&About LinkDesk")
    about_action.trigger()
    dialog = window.findChild(about.AboutDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.title.text() == f"LinkDesk {version('linkdesk')}"
    assert version("linkdesk") != "0.0.0"
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}" in dialog.details.text()
    dialog.close()


def test_about_version_without_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_metadata(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(about, "version", no_metadata)
    monkeypatch.setattr(linkdesk, "__version__", "9.8.7")
    assert about.app_version() == "9.8.7"


def _project_table() -> dict[str, Any]:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]


def test_the_window_has_a_gui_script_beside_the_console_command() -> None:
    """`linkdesk` (console: the window and every subcommand) stays; `linkdesk-gui` is the
    window alone, which pip turns into a pythonw launcher on Windows (no console window)."""
    project = _project_table()
    assert project["scripts"] == {"linkdesk": "linkdesk.cli:main"}
    assert project["gui-scripts"] == {"linkdesk-gui": "linkdesk.cli:window_main"}
    module, _, name = project["gui-scripts"]["linkdesk-gui"].partition(":")
    assert callable(getattr(importlib.import_module(module), name))
    assert "linkdesk-gui" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_gui_script_renders_the_window_without_any_console(tmp_path: Path) -> None:
    """Run as pythonw runs it, with no stdout or stderr at all: the window path still works
    and ends with status 0 (nothing may write to, or flush, a stream that is not there)."""
    from linkdesk.core.store import Project

    path = tmp_path / "acme.linkdesk"
    with Project.open(path, create=True):
        pass
    output = tmp_path / "window.png"
    module, _, name = _project_table()["gui-scripts"]["linkdesk-gui"].partition(":")
    code = ("import sys; sys.stdout = sys.stderr = None\n"
            f"from {module} import {name}\n"
            f"raise SystemExit({name}([sys.argv[1], '--screenshot', sys.argv[2]]))")
    run = subprocess.run([sys.executable, "-c", code, str(path), str(output)],
                         capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    image = QImage(str(output))
    assert (image.width(), image.height()) == (1400, 900)


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("## Run the tests", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci == command.strip()
    assert "python -m mypy" in command  # type checking is part of the test command

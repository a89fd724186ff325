"""What goes into the packaged app, and what is left out: read by `linkdesk.spec` and the tests.

Kept apart from the spec so that `tests/test_packaging.py` can check it without PyInstaller
and without building.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator
from importlib.util import find_spec
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"  # ships inside the package as `linkdesk.resources`
DESKTOP_FILE = PACKAGING / "linux" / "linkdesk.desktop"

APP_NAME = "linkdesk"  # the folder and the executable
CLI_NAME = "linkdesk-cli"  # Windows only: the console executable beside the windowed one
DISPLAY_NAME = "LinkDesk"
BUNDLE_ID = "app.linkdesk.LinkDesk"

# Distributions whose metadata the app reads at run time (`importlib.metadata.version`).
METADATA = ("linkdesk",)

# Modules PyInstaller cannot find in the source tree: `linkdesk.resources` is `resources/`
# (a package-dir mapping in pyproject.toml). The spec adds them to the archive itself.
EXTRA_MODULES = {"linkdesk.resources": RESOURCES / "__init__.py"}

# Never used at run time; some would be dragged in by optional imports of other packages.
EXCLUDES = (
    "tkinter", "_tkinter", "turtle", "idlelib", "pydoc_data", "lib2to3", "test",
    "pytest", "_pytest", "pytestqt", "pluggy", "iniconfig", "pygments", "ruff",
    "setuptools", "pkg_resources", "distutils", "pip", "PyInstaller",
    "numpy.f2py", "numpy.testing", "IPython", "matplotlib", "scipy", "pandas", "PIL",
    "OpenGL", "pyqtgraph.opengl", "pyqtgraph.jupyter", "pyqtgraph.examples",
    # Qt modules LinkDesk does not use: it needs core, gui, widgets and svg, and pyqtgraph
    # (the dashboard) imports QtOpenGL and QtOpenGLWidgets too; it treats QtTest as optional.
    "PySide6.QtNetwork", "PySide6.QtQml",
    "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest", "PySide6.QtQmlFeatures", "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets", "PySide6.Qt3DCore", "PySide6.QtMultimedia", "PySide6.QtPdf",
    "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.QtUiTools", "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtLabsStyleKit",
    "PySide6.QtPrintSupport",
)

# Excluded although imported when present, by importers that carry on without them:
# pyqtgraph (`QtTest = FailedImport(...)`) and httpx (its command-line tool needs pygments).
EXCLUDED_OPTIONAL = ("PySide6.QtTest", "pygments")

# The Qt plugins the app needs, by plugin folder: the plugins' names without `lib` and suffix
# (None: the whole folder). Every other folder (sql drivers, TLS, network information, designer,
# QML tooling, EGL device integrations, the wayland compositor side...) is left out, as are the
# plugins that need Qt modules the app excludes (OpenGL, Network, Quick).
QT_PLUGINS: dict[str, frozenset[str] | None] = {
    # X11, Wayland, offscreen (--screenshot), minimal; Windows; macOS.
    "platforms": frozenset({"qxcb", "qwayland", "qoffscreen", "qminimal", "qwindows",
                            "qcocoa"}),
    # Portal file dialogs; not GTK 3's, which would bundle half of the build machine's GTK stack
    # (cairo, pango, glib) for a plugin that only loads where GTK 3 is installed anyway.
    "platformthemes": frozenset({"qxdgdesktopportal"}),
    "platforminputcontexts": frozenset({"composeplatforminputcontextplugin",
                                        "ibusplatforminputcontextplugin"}),
    "imageformats": frozenset({"qsvg", "qico", "qicns", "qjpeg", "qgif"}),
    "iconengines": frozenset({"qsvgicon"}),
    "styles": None,  # the native Windows and macOS styles
    "xcbglintegrations": None,  # loaded by the xcb plugin
    "wayland-decoration-client": frozenset({"bradient", "adwaita"}),
    "wayland-shell-integration": frozenset({"xdg-shell"}),
}


def project() -> dict[str, object]:
    """The `[project]` table of pyproject.toml (name, version, description...)."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]


def tldextract_snapshot() -> Path:
    """The Public Suffix List snapshot tldextract reads offline (`suffix_list_urls=()`)."""
    spec = find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("tldextract is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / ".tld_set_snapshot"


def resource_files() -> Iterator[Path]:
    """Every file of `resources/` that ships (samples, icons, the package's __init__)."""
    for path in sorted(RESOURCES.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def datas() -> list[tuple[str, str]]:
    """PyInstaller `datas`: (source file, destination folder inside the app)."""
    entries = [
        (str(path), str(PurePosixPath("linkdesk", "resources",
                                      *path.parent.relative_to(RESOURCES).parts)))
        for path in resource_files()
    ]
    entries.append((str(tldextract_snapshot()), "tldextract"))
    return entries


# Sources that wheels ship beside their compiled modules (selectolax: 3 MB of C and Cython).
BUILD_SOURCE_SUFFIXES = (".c", ".pyx", ".pxd", ".pxi")


def keep_file(dest: str) -> bool:
    """False for a collected file the app never reads: see keep_qt_file, and build sources."""
    return keep_qt_file(dest) and not dest.endswith(BUILD_SOURCE_SUFFIXES)


def keep_qt_file(dest: str) -> bool:
    """False for a collected Qt file the app does not need (translations, unused plugins)."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if parts[:1] != ("PySide6",):
        return True
    rest = parts[2:] if parts[1:2] == ("Qt",) else parts[1:]  # Windows wheels have no Qt/
    if rest[:1] == ("translations",):
        # The window is English only and installs no QTranslator: Qt's own strings (the
        # buttons of standard dialogs) are English too.
        return False
    if rest[:1] == ("plugins",) and len(rest) > 2:
        if rest[1] not in QT_PLUGINS:
            return False
        wanted = QT_PLUGINS[rest[1]]
        return wanted is None or plugin_name(rest[-1]) in wanted
    return True


def plugin_name(filename: str) -> str:
    """`libqxcb.so` -> `qxcb`, `qwindows.dll` -> `qwindows`, `libqcocoa.dylib` -> `qcocoa`."""
    stem = filename.split(".", 1)[0]
    return stem[3:] if stem.startswith("lib") else stem


def strippable_libraries(folder: Path) -> list[Path]:
    """The shared libraries at the top of the app's library folder whose symbols can go.

    Those are the Python library and the system libraries PyInstaller copied from the build
    machine; the libraries that auditwheel vendored into wheels (`libfoo-1a2b3c4d.so`, under
    `*.libs/`) are rewritten by patchelf and break when stripped, and stay as they are.
    """
    return sorted(
        path for path in folder.glob("lib*.so*")
        if path.is_file() and not path.is_symlink()
        and not re.search(r"-[0-9a-f]{8}[.-]", path.name)
    )


def icon_for_platform(icons: dict[str, Path]) -> str | None:
    """The icon file PyInstaller puts on the executable (Windows) or bundle (macOS)."""
    if sys.platform == "win32":
        return str(icons["ico"])
    if sys.platform == "darwin":
        return str(icons["icns"])
    return None  # an ELF file has no icon: the .desktop file names the hicolor one


def unneeded_libraries(
    binaries: list[tuple[str, str, str]], imports: Callable[[str], Iterable[str]]
) -> set[str]:
    """The destinations of shared libraries that nothing kept needs any more.

    PyInstaller collects each Qt plugin's dependencies before the spec drops the plugin (the
    GTK 3 theme brings cairo and pango, EGLFS brings QtOpenGL...). Starting from what stays
    (extension modules, the kept plugins, the Python library), this follows the libraries each
    one links (`imports(source path)` gives their file names) and returns the rest.
    """
    libraries: dict[str, str] = {}  # file name -> destination
    aliases: dict[str, str] = {}  # symlink name -> the file name it points to
    sources: dict[str, str] = {}
    roots: list[str] = []
    for dest, src, kind in binaries:
        name = PurePosixPath(dest.replace("\\", "/")).name
        if kind == "SYMLINK":
            aliases[name] = PurePosixPath(src.replace("\\", "/")).name
        elif kind == "BINARY" and "plugins" not in dest and not name.startswith("libpython"):
            libraries[name] = dest
            sources[name] = src
        else:
            roots.append(src)
    needed: set[str] = set()
    pending = list(roots)
    while pending:
        for linked in imports(pending.pop()):
            name = aliases.get(linked, linked)
            if name in libraries and name not in needed:
                needed.add(name)
                pending.append(sources[name])
    unneeded = {dest for name, dest in libraries.items() if name not in needed}
    unneeded |= {dest for dest, src, kind in binaries if kind == "SYMLINK"
                 and aliases.get(PurePosixPath(dest).name) in libraries
                 and aliases[PurePosixPath(dest).name] not in needed}
    return unneeded

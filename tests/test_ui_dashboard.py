"""The Dashboard tab, offscreen: charts show the database's numbers, follow the filters,
select domains from the map, save charts, and render in `--screenshot --tab dashboard`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPalette
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parent))

from test_tables_scores import build_scored_project

from linkdesk.cli import main as linkdesk_main
from linkdesk.core.files import ProtectedFileError
from linkdesk.core.store import Project
from linkdesk.core.tables import Filters, TableQuery, scored_domains
from linkdesk.ui.dashboard import DashboardView
from linkdesk.ui.dashboard.charts import compact, export_chart
from linkdesk.ui.dashboard.map_view import hover_text, log_ticks
from linkdesk.ui.dashboard.theme import BAND_NAMES
from linkdesk.ui.main_window import MainWindow
from linkdesk.ui.preferences import Preferences

WAIT_MS = 30_000


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_project(tmp_path_factory.mktemp("dashboard") / "dash.linkdesk", 500)


@pytest.fixture
def project(sample: Path) -> Iterator[Project]:
    with Project.open(sample) as opened:
        yield opened


def ready_dashboard(qtbot: Any, project: Project) -> DashboardView:
    """A shown Dashboard of `project`, its charts drawn (call `shutdown()` at the end)."""
    view = DashboardView()
    qtbot.addWidget(view)
    view.resize(1388, 800)
    view.set_project(project)
    view.show()
    assert view.wait_until_ready(WAIT_MS) and not view.error
    return view


@pytest.fixture
def dashboard(qtbot: Any, project: Project) -> Iterator[DashboardView]:
    view = ready_dashboard(qtbot, project)
    yield view
    view.shutdown()


def test_a_refresh_asked_for_while_hidden_starts_when_the_view_is_shown(
        qtbot: Any, project: Project) -> None:
    view = DashboardView()
    qtbot.addWidget(view)
    view.set_project(project)
    view.refresh()
    assert not view.busy()  # hidden: nothing computed yet
    view.show()  # the show event starts the request (no event loop has run since)
    assert view.busy()
    assert view.wait_until_ready(WAIT_MS) and not view.error
    view.shutdown()


def click(widget: Any, pos: QPointF) -> None:
    """A left click as the window system sends it (QTest's is not accepted by pyqtgraph)."""
    global_pos = QPointF(widget.mapToGlobal(pos.toPoint()))
    for kind, buttons in ((QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
                          (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
        event = QMouseEvent(kind, pos, global_pos, Qt.MouseButton.LeftButton, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, event)


def sql_counts(db: sqlite3.Connection, sql: str) -> dict[Any, int]:
    return {key: n for key, n in db.execute(sql)}


def test_charts_show_the_numbers_in_the_database(dashboard: DashboardView,
                                                 project: Project) -> None:
    db = project.db
    domains = db.execute("SELECT count(*) FROM referring_domains").fetchone()[0]
    assert len(dashboard.map.cloud) == domains
    # Quality histogram over links: each band's bars add up to that band's links.
    bands = sql_counts(db, "SELECT band, count(*) FROM link_scores GROUP BY band")
    for band, n in bands.items():
        assert dashboard.quality.heights(BAND_NAMES[band]).sum() == n
    dashboard.quality.choice.setCurrentIndex(1)  # over referring domains
    domain_bands = sql_counts(db, "SELECT band, count(*) FROM domain_scores GROUP BY band")
    for band, n in domain_bands.items():
        assert dashboard.quality.heights(BAND_NAMES[band]).sum() == n
    rel = dashboard.rel.heights("rel")
    nofollow = db.execute("SELECT count(*) FROM links WHERE nofollow = 1").fetchone()[0]
    assert rel[1] == nofollow
    assert dashboard.tlds.heights("tlds").sum() == domains
    classes = sql_counts(db, "SELECT anchor_class, count(*) FROM link_scores GROUP BY 1")
    assert dashboard.anchors.heights("anchor classes").sum() == sum(classes.values())
    new = sum(dashboard.velocity.heights(f"new {name}").sum() for name in BAND_NAMES)
    dated = db.execute("SELECT count(*) FROM links WHERE first_seen IS NOT NULL").fetchone()[0]
    assert new == dated
    lost = sum(dashboard.velocity.heights(f"lost {name}").sum() for name in BAND_NAMES)
    assert -lost == db.execute("SELECT count(*) FROM links WHERE status <> 1").fetchone()[0]
    links = db.execute("SELECT count(*) FROM links").fetchone()[0]
    assert dashboard.balance.figures["links"].text() == f"{links:,}"
    assert "links" in dashboard.status.text()
    assert dashboard.balance.hints.text()


def test_filters_change_the_charts(dashboard: DashboardView, project: Project) -> None:
    risky = Filters(band=0)
    dashboard.refresh(risky)
    assert dashboard.wait_until_ready(WAIT_MS)
    shown = TableQuery(project.db, scored_domains(project.db), risky).count()
    assert len(dashboard.map.cloud) == shown
    assert set(dashboard.map.points.band.tolist()) == {0}
    assert dashboard.quality.heights("Strong").sum() == 0
    risky_links = project.db.execute("SELECT count(*) FROM link_scores WHERE band = 0"
                                     ).fetchone()[0]
    assert dashboard.quality.heights("Risky").sum() == risky_links
    assert "filtered" in dashboard.status.text()
    dashboard.refresh(Filters())
    assert dashboard.wait_until_ready(WAIT_MS)
    assert len(dashboard.map.cloud) > shown


def test_a_newer_refresh_wins(dashboard: DashboardView) -> None:
    dashboard.refresh(Filters(band=0))
    dashboard.refresh(Filters(band=3))  # before the first has finished
    assert dashboard.wait_until_ready(WAIT_MS)
    assert set(dashboard.map.points.band.tolist()) == {3}
    assert dashboard.quality.heights("Risky").sum() == 0


def test_the_installed_pyside_keeps_its_references_to_true_and_none(tmp_path: Path) -> None:
    """PySide6 6.12.0 dropped a reference to True on every disconnect() and Signal(bool) and
    aborted Python ("bool_dealloc"); pyqtgraph disconnects a lot. pyproject.toml keeps it
    out; this fails if an upgrade brings the bug back."""
    script = tmp_path / "loop.py"
    script.write_text(
        "from PySide6.QtCore import QCoreApplication, QObject, Signal\n"
        "class A(QObject):\n"
        "    s = Signal(object)\n"
        "    b = Signal(bool)\n"
        "app = QCoreApplication([])\n"
        "a, f = A(), lambda x: None\n"
        "a.b.connect(f)\n"
        "for _ in range(100_000):  # more than True has references in a small process\n"
        "    a.s.connect(f)\n"
        "    a.s.disconnect(f)\n"
        "    a.b.emit(True)\n"
        "    a.s.emit(None)\n"
        "print('survived')\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0 and "survived" in done.stdout, done.stderr


def test_clicking_and_box_selecting_points_emits_domain_ids(
        qtbot: Any, dashboard: DashboardView) -> None:
    chart = dashboard.map
    points = chart.points
    assert points is not None
    index = int(np.argmax(points.links))  # a domain standing alone on the right
    scene = chart.view_box.mapViewToScene(QPointF(chart._x[index], chart._y[index]))
    where = chart.mapFromScene(scene)
    with qtbot.waitSignal(dashboard.domains_selected, timeout=2000) as signal:
        click(chart.viewport(), QPointF(where))
    assert signal.args[0] == [int(points.ids[index])]
    chart._mouse_moved(scene)  # hovering the same point names it
    assert chart.hovered_id() == int(points.ids[index])
    assert "1 domain selected" in dashboard.selection.text()
    box = QRectF(QPointF(-1, 60), QPointF(10, 101))  # every domain of quality 60 or more
    with qtbot.waitSignal(dashboard.domains_selected, timeout=WAIT_MS) as signal:
        chart._box_selected(box, False)
    expected = sorted(points.ids[chart._y >= 60].tolist())
    assert signal.args[0] == expected and expected
    text = hover_text(dashboard._summary(expected[0]))
    assert text.splitlines()[0] and "Links:" in text


def test_the_map_selection_selects_rows_of_the_domains_table(
        qtbot: Any, tmp_path: Path, sample: Path) -> None:
    window = MainWindow(Preferences(QSettings(str(tmp_path / "s.ini"),
                                              QSettings.Format.IniFormat)))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    assert window.open_project(sample)
    workspace = window.workspace
    workspace.show_tab("dashboard")
    assert workspace.details.isHidden()
    assert window.shown_label.text() == ""  # no table on screen: no "Shown: 0"
    dashboard = workspace.dashboard
    assert dashboard.wait_until_ready(WAIT_MS)
    wanted = sorted(int(i) for i in dashboard.map.points.ids[:7])
    dashboard.map.select_ids(np.array(wanted))
    view = workspace.views["domains"]
    qtbot.waitUntil(lambda: sorted(view.selected_ids()) == wanted, timeout=WAIT_MS)
    dashboard.selection.click()
    assert workspace.current_name() == "domains"
    assert not workspace.details.isHidden()
    assert window.shown_label.text().startswith("Shown: ")
    window.close()


def test_charts_save_as_png_and_svg(dashboard: DashboardView, tmp_path: Path) -> None:
    export_chart(dashboard.quality.plot, tmp_path / "quality.svg")
    assert "<svg" in (tmp_path / "quality.svg").read_text(encoding="utf-8")
    export_chart(dashboard.map, tmp_path / "map.png")
    assert QImage(str(tmp_path / "map.png")).width() >= 800
    assert dashboard.save_image(tmp_path / "all.png")


def test_no_picture_replaces_a_project(dashboard: DashboardView, project: Project,
                                       sample: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 13: an image saved over the open project (or any project) would destroy it."""
    before = project.path.read_bytes()
    for path in (project.path, tmp_path / "other.linkdesk"):
        with pytest.raises(ProtectedFileError):
            export_chart(dashboard.quality.plot, path)
        with pytest.raises(ProtectedFileError):
            dashboard.save_image(path)
    renamed = tmp_path / "client.png"  # a project under another name: told by its header
    renamed.write_bytes(before)
    with pytest.raises(ProtectedFileError):
        dashboard.save_image(renamed)
    assert linkdesk_main([str(sample), "--screenshot", str(sample)]) == 1
    assert "not written" in capsys.readouterr().err
    assert project.path.read_bytes() == before and renamed.read_bytes() == before
    assert sample.read_bytes()[:16] == b"SQLite format 3\x00"


def test_the_dashboard_follows_the_palette(dashboard: DashboardView) -> None:
    dark = QPalette(dashboard.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor(30, 30, 30))
    dark.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    dashboard.setPalette(dark)
    from linkdesk.ui.dashboard import theme

    theme.style_plot(dashboard.map, dark)
    assert dashboard.map.backgroundBrush().color() == QColor(30, 30, 30)


def test_small_helpers() -> None:
    assert [compact(v) for v in (950, 12_000, 1_500, 2_000_000, -20_000, 4_012, 9_980)] == [
        "950", "12k", "1.5k", "2M", "-20k", "4k", "10k"]
    major, minor = log_ticks(3.2)
    assert [label for _, label in major] == ["1", "10", "100", "1k", "10k"]
    assert ("2" in [label for _, label in minor]) and ("50" in [label for _, label in minor])


def test_screenshot_of_the_dashboard_tab(qtbot: Any, sample: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "dashboard.png"
    assert linkdesk_main([str(sample), "--screenshot", str(output), "--tab", "dashboard"]) == 0
    image = QImage(str(output))
    assert (image.width(), image.height()) == (1400, 900)
    # The map's band colours are on the picture: the charts were drawn before the grab.
    colours = {image.pixelColor(x, y).name() for x in range(700, 1390, 3)
               for y in range(130, 400, 3)}
    assert len(colours) > 20
    assert "Screenshot:" in capsys.readouterr().out

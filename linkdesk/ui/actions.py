"""The main window's actions and menus; every shortcut is defined here, in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

Key = QKeySequence.StandardKey

# Standard keys where the platform has one (Cmd+N on macOS), else the usual Ctrl+ key: some
# platforms define no Quit or Find key at all.
SHORTCUTS: dict[str, tuple[QKeySequence.StandardKey | None, str]] = {
    "new": (Key.New, "Ctrl+N"),
    "open": (Key.Open, "Ctrl+O"),
    "import": (None, "Ctrl+I"),
    "export": (None, "Ctrl+E"),
    "quit": (Key.Quit, "Ctrl+Q"),
    "copy": (Key.Copy, "Ctrl+C"),
    "find": (Key.Find, "Ctrl+F"),
    "open_url": (None, "Ctrl+Return"),
    "clear_filters": (None, "Ctrl+Shift+L"),
    "details": (None, "Ctrl+Shift+D"),
    "tab_links": (None, "Ctrl+1"),
    "tab_domains": (None, "Ctrl+2"),
    "tab_anchors": (None, "Ctrl+3"),
    "undo": (Key.Undo, "Ctrl+Z"),
    "redo": (Key.Redo, "Ctrl+Shift+Z"),
    "disavow": (None, "Ctrl+D"),
    "keep": (None, "Ctrl+K"),
    "review": (None, "Ctrl+R"),
    "clear_mark": (None, "Ctrl+Shift+K"),
    "mark_shown": (None, "Ctrl+Shift+M"),
    "export_disavow": (None, "Ctrl+Shift+E"),
}


def key_sequences(name: str) -> list[QKeySequence]:
    """The shortcuts of an action: the platform's standard ones, or the usual one."""
    standard, usual = SHORTCUTS[name]
    sequences = QKeySequence.keyBindings(standard) if standard is not None else []
    return sequences or [QKeySequence(usual)]


@dataclass
class Actions:
    """The actions the window enables, disables and triggers."""

    new: QAction
    open: QAction
    recent: QMenu
    import_files: QAction
    export_table: QAction
    export_report: QAction
    report_settings: QAction
    quit: QAction
    copy: QAction
    find: QAction
    open_url: QAction
    clear_filters: QAction
    details: QAction
    columns: QAction
    about: QAction
    settings: QAction
    rescore: QAction
    auto_score: QAction
    check_selected: QAction
    check_shown: QAction
    check_all: QAction
    finish_review: QAction
    tabs: list[QAction] = field(default_factory=list)

    def project_actions(self) -> list[QAction]:
        """Actions that need an open project."""
        return [self.import_files, self.export_table, self.export_report, self.copy, self.find,
                self.open_url,
                self.clear_filters, self.details, self.columns, self.settings, self.rescore,
                *self.check_actions(), self.finish_review, *self.tabs]

    def check_actions(self) -> list[QAction]:
        """The Tools menu's live checks (disabled while one runs)."""
        return [self.check_selected, self.check_shown, self.check_all]


def _action(window: QMainWindow, text: str, slot: Callable[[], object],
            shortcut: str | None = None, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcuts(key_sequences(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_menus(window: QMainWindow, handlers: dict[str, Callable[..., object]]) -> Actions:
    """Create the actions, wire them to `handlers` (by name) and fill the menu bar."""
    h = handlers
    actions = Actions(
        new=_action(window, "&New Project…", h["new"], "new", "Create an empty project file"),
        open=_action(window, "&Open Project…", h["open"], "open", "Open a project file"),
        recent=QMenu("Open &Recent", window),
        import_files=_action(window, "&Import Exports…", h["import"], "import",
                             "Import backlink exports (CSV, ZIP, GZ) into this project"),
        export_table=_action(window, "&Export Table as CSV…", h["export"], "export",
                             "Write the table on screen to a CSV file, as filtered and sorted"),
        export_report=_action(window, "Export &Report…", h["export_report"], None,
                              "Write a report the client can read (PDF or HTML)"),
        report_settings=_action(window, "Report Se&ttings…", h["report_settings"], None,
                                "Your name, logo, colour and footer on client reports"),
        quit=_action(window, "&Quit", h["quit"], "quit"),
        copy=_action(window, "&Copy Rows", h["copy"], "copy",
                     "Copy the selected rows as tab-separated text"),
        find=_action(window, "&Find", h["find"], "find", "Type to filter the table"),
        open_url=_action(window, "Open Source URL in &Browser", h["open_url"], "open_url"),
        clear_filters=_action(window, "C&lear Filters", h["clear_filters"], "clear_filters"),
        details=_action(window, "&Details Panel", h["details"], "details"),
        columns=_action(window, "C&olumns…", h["columns"], None,
                        "Choose the columns of this table"),
        about=_action(window, "&About LinkDesk", h["about"], None,
                      "The version of LinkDesk and what it runs on"),
        settings=_action(window, "Project &Settings…", h["settings"], None,
                         "The client's sites, brand and keywords; scoring weights and "
                         "thresholds"),
        rescore=_action(window, "Re-&score Now", h["rescore"], None,
                        "Compute every score again, in the background"),
        auto_score=_action(window, "Score &Automatically", lambda: None, None,
                           "Re-score by itself after imports and setting changes"),
        check_selected=_action(window, "Check &Selected Links", h["check_selected"], None,
                               "Fetch the pages of the selected links (or of the selected "
                               "domains' links) and see whether they still link to the site"),
        check_shown=_action(window, "Check Links S&hown", h["check_shown"], None,
                            "Check every link the Links table shows with its filters"),
        check_all=_action(window, "Check &All Links", h["check_all"], None,
                          "Check every link of the project"),
        finish_review=_action(window, "&Finish Review…", h["finish_review"], None,
                              "Record that you have reviewed the profile: later imports are "
                              "compared with it"),
    )
    actions.auto_score.setCheckable(True)
    actions.details.setCheckable(True)
    actions.details.setChecked(True)
    for number, (name, title) in enumerate(
        (("links", "&Links"), ("domains", "Referring &Domains"), ("anchors", "&Anchors"))
    ):
        tab = _action(window, title, partial(h["tab"], number), f"tab_{name}")
        actions.tabs.append(tab)

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([actions.new, actions.open])
    file_menu.addMenu(actions.recent)
    file_menu.addSeparator()
    file_menu.addActions([actions.import_files, actions.export_table, actions.export_report,
                          actions.report_settings])
    file_menu.addSeparator()
    file_menu.addActions([actions.settings, actions.rescore, actions.auto_score])
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([actions.copy, actions.find, actions.clear_filters])
    edit_menu.addSeparator()
    edit_menu.addAction(actions.open_url)
    view_menu = bar.addMenu("&View")
    view_menu.addActions(actions.tabs)
    view_menu.addSeparator()
    view_menu.addActions([actions.details, actions.columns])
    tools_menu = bar.addMenu("&Tools")
    tools_menu.addActions(actions.check_actions())
    tools_menu.addSeparator()
    tools_menu.addAction(actions.finish_review)
    help_menu = bar.addMenu("&Help")
    actions.about.setMenuRole(QAction.MenuRole.AboutRole)  # macOS: in the application menu
    help_menu.addAction(actions.about)
    return actions


def build_marks_menu(window: QMainWindow, handlers: dict[str, Callable[[], object]],
                     undo: QAction, redo: QAction) -> list[QAction]:
    """The Marks menu (before Tools) and Undo/Redo at the top of Edit; returns the actions
    that need an open project."""
    h = handlers
    undo.setShortcuts(key_sequences("undo"))
    redo.setShortcuts(key_sequences("redo"))
    marks = [
        _action(window, "&Disavow Selected…", h["disavow"], "disavow",
                "Mark the selected links or domains for disavowal (with a preview)"),
        _action(window, "&Keep Selected…", h["keep"], "keep",
                "Never disavow the selected links or domains"),
        _action(window, "&Review Selected…", h["review"], "review",
                "Mark the selected rows to look at again"),
        _action(window, "&Clear Mark of Selected…", h["clear_mark"], "clear_mark"),
        _action(window, "Mark All &Shown…", h["mark_shown"], "mark_shown",
                "Mark every row the table shows with its filters"),
        _action(window, "Mark by R&ule…", h["mark_rule"], None,
                "Mark domains or links by risk level and quality"),
        _action(window, "Apply E&arlier Verdicts…", h["apply_earlier"], None,
                "Mark undecided domains as other projects and lists decided (with a preview)"),
        _action(window, "&Import Disavow File…", h["import_disavow"], None,
                "Read the client's current disavow file: its entries are kept"),
        _action(window, "&Export Disavow File…", h["export_disavow"], "export_disavow",
                "Review and write a disavow file Google accepts"),
    ]
    bar = window.menuBar()
    menus = {action.text().replace("&", ""): action for action in bar.actions()}
    menu = QMenu("&Marks", window)
    menu.addActions(marks[:4])
    menu.addSeparator()
    menu.addActions(marks[4:7])
    menu.addSeparator()
    menu.addActions(marks[7:])
    tools = menus.get("Tools")
    if tools is not None:
        bar.insertMenu(tools, menu)
    else:
        bar.addMenu(menu)
    edit = menus.get("Edit")
    edit_menu = edit.menu() if edit is not None else None  # typed QObject: a QMenu here
    if isinstance(edit_menu, QMenu):
        existing = edit_menu.actions()
        first = existing[0] if existing else None
        # `before` None appends (Qt takes nullptr); the PySide6 stubs omit the None.
        edit_menu.insertActions(first, [undo, redo])  # type: ignore[arg-type]
        edit_menu.insertSeparator(first)  # type: ignore[arg-type]
    return marks

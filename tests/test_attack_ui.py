"""Bad data in the window's time-axis parts: a huge or odd review note, an unreadable time."""

from __future__ import annotations

from linkdesk.core.timeline import Review
from linkdesk.ui.dialogs.finish_review import NOTE_SHOWN, FinishReviewDialog


def test_a_huge_review_note_is_shown_short(qtbot: object) -> None:
    note = "disavowed the casino domains\n" + "x" * 10_000_000
    dialog = FinishReviewDialog(Review(1, "2026-11-03T09:12:00Z", note, 1, 1, 0),
                                lambda _note: None)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    shown = dialog.last.text()
    assert shown.startswith("Your last review: 3 Nov 2026 — disavowed the casino domains x")
    assert len(shown) < NOTE_SHOWN + 50 and shown.endswith("…")


def test_an_unreadable_review_time_and_note(qtbot: object) -> None:
    dialog = FinishReviewDialog(Review(1, "garbage", b"\xff\x00", 1, 1, 0),  # type: ignore[arg-type]
                                lambda _note: None)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.last.text().startswith("Your last review: 1 Jan ")  # date.min: no day

"""`rescore(db)`: bring every link's and domain's scores up to date, with progress and cancel.

Two halves (see docs/scoring.md): the signal values (`features.py`) are recomputed only when
the data, the terms or the detection settings changed since they were stored; the scores
(`combine.py`) are always recomputed from them, which is all a weight change costs. When only
the data changed, by imports touching a small share of the links, both halves are recomputed
for the touched referring domains alone (`incremental.py`), with exactly the results a full
re-score gives.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from linkdesk.core.platforms import BUILTIN_PLATFORMS, platforms
from linkdesk.core.scoring import damage
from linkdesk.core.scoring.combine import apply_weights
from linkdesk.core.scoring.features import build_features, drop_temp_tables
from linkdesk.core.scoring.incremental import last_status_move, marks, update_features
from linkdesk.core.scoring.model import Model, load_model
from linkdesk.core.scoring.scanhelper import scan_helper
from linkdesk.core.store import transaction

_STEPS = ("domains", "anchors", "titles", "networks", "links", "domain flags", "scores")
_INCREMENTAL_STEPS = ("changed links", "scores")
_CANCEL_CHECK_INSTRUCTIONS = 20_000  # SQLite VM steps between checks: well under 10 ms


class ScoreCancelled(Exception):
    """The user cancelled a re-score; the stored scores are unchanged."""


@dataclass(frozen=True)
class ScoreProgress:
    """Reported as each step starts: the step's name, its number (from 1) and the count."""

    stage: str
    step: int
    steps: int


@dataclass(frozen=True)
class ScoreSummary:
    """What a re-score did."""

    links: int
    domains: int
    recomputed_signals: bool  # False: only weights/thresholds changed, signals were reused
    seconds: float
    rescored_links: int | None = None  # incremental: the links recomputed (None: all)
    full_because: str = ""  # why every link's signals were recomputed, in words ('': first)


ProgressCallback = Callable[[ScoreProgress], None]
CancelCheck = Callable[[], bool]


def rescore(
    db: sqlite3.Connection,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> ScoreSummary:
    """Score every link and referring domain of the project and store the results.

    Runs inside the caller's transaction if there is one (as a savepoint: the import pipeline
    calls it at the end of every import), else in its own. Raises ScoreCancelled when
    `cancelled()` turns true; the scores are then as they were.
    """
    start = time.perf_counter()
    cancel = cancelled or (lambda: False)
    # A second process reads the links as committed: only when they are this transaction's.
    own_transaction = not db.in_transaction
    _ensure_math(db)
    with damage.text_errors(db), _atomic(db), _interruptible(db, cancel):
        model = load_model(db)
        features_key = signals_key(db, model)
        state = read_state(db)
        previous = state.get("features", {})
        rebuild = previous.get("key") != features_key
        if rebuild:
            damage.check_indexed(db)
        found: dict[str, Any] | None = None
        because = _full_because(previous.get("key"), features_key) if rebuild else ""
        if rebuild and previous.get("key") and not because:
            updated = update_features(db, model, previous)  # words: a full re-score is needed
            if isinstance(updated, str):
                because = updated
            else:
                found = updated
        steps = (_INCREMENTAL_STEPS if found else _STEPS) if rebuild else _STEPS[-1:]
        counter = iter(range(1, len(steps) + 1))

        def check_cancel() -> None:
            if cancel():
                raise ScoreCancelled("re-scoring cancelled; the scores are unchanged")

        def step(stage: str) -> None:
            check_cancel()
            if progress is not None:
                progress(ScoreProgress(stage, next(counter), len(steps)))

        scoped = None
        if found is not None:
            step(_INCREMENTAL_STEPS[0])
            scoped = found.pop("scoped_links")
            facts = found
        elif rebuild:
            with scan_helper(db, model, check_cancel, allowed=own_transaction) as helper:
                facts = build_features(db, model, step, helper)
        if rebuild:
            _write_state(db, "features", {"key": features_key, **facts, "marks": marks(db)})
            flag_sets: list[int] = facts["flag_sets"]
        else:
            flag_sets = state["features"]["flag_sets"]
        step("scores")
        # The untouched links' scores stand only if they were current before the import.
        before = state.get("scores", {})
        partial = scoped is not None and before.get("features") == previous.get("key") and (
            before.get("scores") == scores_key(model)
        )
        apply_weights(db, model, flag_sets, scoped=partial)
        drop_temp_tables(db)
        _write_state(db, "scores", {
            "features": features_key,
            "scores": scores_key(model),
            "scored_at": datetime.now(UTC).isoformat(timespec="seconds"),
        })
        links = db.execute("SELECT count(*) FROM link_scores").fetchone()[0]
        domains = db.execute("SELECT count(*) FROM domain_scores").fetchone()[0]
    return ScoreSummary(links, domains, rebuild, time.perf_counter() - start,
                        scoped if partial else None,
                        because if found is None else "")


def _full_because(before: dict[str, Any] | None, now: dict[str, Any]) -> str:
    """Why the signals stored under key `before` cannot be updated to `now` incrementally,
    in words ('' when they can, or when nothing was stored: a first score needs no reason)."""
    if not before:
        return ""
    if before.get("model") != now["model"]:
        return "the terms or detection settings changed (or a new LinkDesk scores differently)"
    if before.get("platforms") != now.get("platforms"):
        return "the list of large platforms changed"
    return ""


def scores_current(db: sqlite3.Connection) -> bool:
    """Whether the stored scores match the project's data and settings."""
    model = load_model(db)
    stored = read_state(db).get("scores", {})
    return stored.get("features") == signals_key(db, model) and stored.get(
        "scores"
    ) == scores_key(model)


def signals_key(db: sqlite3.Connection, model: Model) -> dict[str, Any]:
    """What the stored signal values depend on: the data, the terms and detection settings,
    and the large platforms (their subdomains are no network, see features.DomainRows)."""
    key: dict[str, Any] = {"data": data_fingerprint(db), "model": model.features_key()}
    names = platforms(db)
    if names != BUILTIN_PLATFORMS:  # as before for projects that kept the built-in list
        key["platforms"] = list(names)
    return key


def scores_key(model: Model) -> dict[str, Any]:
    """What the scores depend on beyond the signal values."""
    return {
        "weights": dict(model.weights),
        "flag_points": dict(model.flag_points),
        "thresholds": dict(model.thresholds),
    }


def data_fingerprint(db: sqlite3.Connection) -> str:
    """Changes whenever an import changes the links (every import adds an `imports` row).

    Anything else that changes links must call `forget_signals(db)`.
    """
    row = db.execute(
        "SELECT (SELECT count(*) FROM links), (SELECT coalesce(max(id), 0) FROM links), "
        "(SELECT count(*) FROM imports), (SELECT coalesce(max(id), 0) FROM imports), "
        "(SELECT count(*) FROM google_pages)"
    ).fetchone()
    moved = last_status_move(db)  # links that became lost or live again (link_status_update)
    return ":".join(map(str, row)) + (f":{moved}" if moved else "")


def forget_signals(db: sqlite3.Connection) -> None:
    """Make the next `rescore` recompute every signal value (after an unusual data change)."""
    db.execute("DELETE FROM scoring_state")


def read_state(db: sqlite3.Connection) -> dict[str, Any]:
    """The stored `scoring_state`, key -> JSON value."""
    return {key: json.loads(value) for key, value in db.execute(
        "SELECT key, value FROM scoring_state"
    )}


def _write_state(db: sqlite3.Connection, key: str, value: object) -> None:
    db.execute(
        "INSERT INTO scoring_state (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )


@contextmanager
def _atomic(db: sqlite3.Connection) -> Iterator[None]:
    if not db.in_transaction:
        with transaction(db):
            yield
        return
    db.execute("SAVEPOINT rescore")
    try:
        yield
    except BaseException:
        if db.in_transaction:  # SQLite ends it itself on some errors (a full disk)
            db.execute("ROLLBACK TO rescore")
            db.execute("RELEASE rescore")
        raise
    db.execute("RELEASE rescore")


@contextmanager
def _interruptible(db: sqlite3.Connection, cancelled: CancelCheck) -> Iterator[None]:
    """Let a cancel stop a long statement midway, not only between steps."""
    interrupted = False

    def check() -> int:
        nonlocal interrupted
        interrupted = interrupted or bool(cancelled())
        return int(interrupted)

    db.set_progress_handler(check, _CANCEL_CHECK_INSTRUCTIONS)
    try:
        yield
    except sqlite3.OperationalError:
        if interrupted:
            raise ScoreCancelled("re-scoring cancelled; the scores are unchanged") from None
        raise
    finally:
        db.set_progress_handler(None, 0)


def _ensure_math(db: sqlite3.Connection) -> None:
    # SQLite builds without SQLITE_ENABLE_MATH_FUNCTIONS lack log10(); supply it.
    try:
        db.execute("SELECT log10(10)").fetchone()
    except sqlite3.OperationalError:
        db.create_function("log10", 1, _log10, deterministic=True)


def _log10(value: float | None) -> float | None:
    return None if value is None or value <= 0 else math.log10(value)

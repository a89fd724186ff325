"""Incremental re-scoring: after an import, recompute only the referring domains it touched.

An import changes links only through its observations (new links, and links it merges into),
through Search Console pages (`google_seen`, placeholders) and by dropping duplicates and
replaced placeholders, all within the referring domains of its rows. The scores of a link
depend on its own columns, on its domain's (counts, best metrics, hosts, sites, footer,
share-based domain flags) and on four things that look across the project:

- the newest date of the data (`features.newest_date`, its day: ages and staleness count to it);
- the titles and article paths found on several referring domains (`network_title`,
  `network_path`);
- the numbering of anchor texts (`anchor_texts`: ids in the order texts are first met);
- the flag sets that occur (only a lookup table: a superset does no harm).

So `plan` collects the touched domains (since the marks the last re-score recorded), decides
the network titles and paths that could have changed (those of the touched links, from the
kept `network_keys` pairs: network_keys.py), adds the links elsewhere whose network membership
changed and their domains, and returns None (a full re-score) whenever it cannot prove the
rest unchanged: settings, platforms or FEATURES_VERSION changed (the caller's key), an import
was removed, the newest date moved, a changed anchor text would move where a text is first
met, or the scope holds more than `FULL_SHARE` of the links.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from linkdesk.core.scoring import facts, network_keys
from linkdesk.core.scoring.features import (
    ANCHOR_CANDIDATES,
    PATH_SQL,
    ROLL_UP,
    SCOPE,
    SCOPE_LINKS,
    build_scoped_features,
    day_of,
    drop_temp_tables,
    in_scope,
    network_path_sql,
    newest_date,
)
from linkdesk.core.scoring.flags import BIT, NETWORK_TITLE_MIN_LENGTH
from linkdesk.core.scoring.model import Model

FULL_SHARE = 0.2
"""Above this share of the project's links in the touched domains, a full re-score is as
quick (it bulk-loads instead of updating indexed rows) and simpler."""


def last_status_move(db: sqlite3.Connection) -> int:
    """The id of the last status move noted (link_status_update); 0 in a project of a schema
    before 13 (tests build them)."""
    if not db.execute("SELECT 1 FROM sqlite_schema WHERE name = 'status_moves'").fetchone():
        return 0
    return int(db.execute("SELECT coalesce(max(id), 0) FROM status_moves").fetchone()[0])


def marks(db: sqlite3.Connection) -> dict[str, int]:
    """Where the data stood when scored: the next re-score starts from here."""
    row = (*db.execute(
        "SELECT (SELECT count(*) FROM imports), (SELECT coalesce(max(id), 0) FROM imports), "
        "(SELECT coalesce(max(id), 0) FROM observations), (SELECT coalesce(max(id), 0) FROM links)"
    ).fetchone(), last_status_move(db))
    return dict(zip(("imports", "last_import", "last_observation", "last_link",
                     "last_status_move"), row, strict=True))


@dataclass(frozen=True)
class Plan:
    """An incremental re-score's scope, ready in `SCOPE`, `SCOPE_LINKS` and the network
    tables."""

    day: datetime.date | None
    newest: str | None  # features.newest_date
    networks: dict[str, list[str]]
    pairs: list[network_keys.Pair]  # the touched domains' network_keys pairs
    links: int  # links in the scope
    kept: np.ndarray  # the network_keys pairs kept before (read once: network_keys.kept_pairs)


def update_features(
    db: sqlite3.Connection, model: Model, previous: dict[str, Any]
) -> dict[str, Any] | str:
    """Recompute the signal values of what changed since `previous` (the stored features
    state); return the new state's facts, or why a full re-score is needed, in words."""
    plan = plan_scope(db, model, previous)
    if isinstance(plan, str):
        drop_temp_tables(db)
        return plan
    flag_sets = sorted(set(previous["flag_sets"]) | set(build_scoped_features(db, model,
                                                                            plan.day)))
    network_keys.add_touched(db, plan.kept, plan.pairs)
    return {"as_of": plan.day.isoformat() if plan.day else None, "newest": plan.newest,
            "flag_sets": flag_sets, "networks": plan.networks, "network_keys": True,
            "scoped_links": plan.links}


def plan_scope(
    db: sqlite3.Connection, model: Model, previous: dict[str, Any]
) -> Plan | str:
    """Find what an incremental re-score must recompute (see the module's docstring), or
    say why it cannot (the reason a full re-score gives the user, in words)."""
    mark = previous.get("marks")
    if not mark or "flag_sets" not in previous or not previous.get("network_keys"):
        return "the scores were made by an older LinkDesk"
    kept_pairs = network_keys.kept_pairs(db)
    if kept_pairs is None:
        return "the stored network titles and paths are missing or damaged"
    kept = db.execute("SELECT count(*) FROM imports WHERE id <= ?",
                      (mark["last_import"],)).fetchone()[0]
    if kept != mark["imports"]:
        return "an import was removed"
    if last_status_move(db) < mark.get("last_status_move", 0):
        # another program deleted noted moves: new ones would reuse their ids, unseen
        return "the noted moves of lost links were removed"
    _collect_touched(db, mark)
    total = db.execute("SELECT count(*) FROM links").fetchone()[0]
    changed_bits = _network_bits_of_merged(db, mark)
    gone = _drop_vanished(db, mark, total)
    if gone is None:
        return "some links had no stored scores"
    vanished, vanished_bits = gone
    newest = _newest(db, previous)
    day = day_of(newest)
    touched = _touched_words(_scope_links(db), total)
    if (day.isoformat() if day else None) != previous.get("as_of"):
        # Every link's age and staleness count to that day: all of them moved.
        return _and((f"the data's latest date moved from {previous.get('as_of') or 'none'} "
                     f"to {day.isoformat() if day else 'none'} (every link's age counts to "
                     "it)"), touched)
    if touched:
        return touched
    for table in (SCOPE_LINKS, ROLL_UP):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    db.execute(f"CREATE TEMP TABLE {SCOPE_LINKS.split('.')[1]} (id INTEGER PRIMARY KEY)")
    db.execute(f"INSERT INTO {SCOPE_LINKS} SELECT id FROM links {in_scope(True)}")
    db.execute(f"CREATE TEMP TABLE {ROLL_UP.split('.')[1]} (domain TEXT PRIMARY KEY) "
               f"WITHOUT ROWID")
    db.execute(f"INSERT INTO {ROLL_UP} SELECT domain FROM {SCOPE}")
    changed = _changed_anchors(db, vanished)
    texts = {text for _, *pair in changed for text in pair if text is not None}
    if len(texts) > _MAX_CHANGED_TEXTS:
        return (f"{len(texts):,} anchor texts changed (more than {_MAX_CHANGED_TEXTS:,}: "
                "their numbering is made afresh)")
    db.execute(f"DROP TABLE IF EXISTS {ANCHOR_CANDIDATES}")
    db.execute(f"CREATE TEMP TABLE {ANCHOR_CANDIDATES.split('.')[1]} (value TEXT PRIMARY KEY) "
               f"WITHOUT ROWID")
    db.executemany(f"INSERT INTO {ANCHOR_CANDIDATES} VALUES (?)", [(text,) for text in texts])
    networks, pairs = _recount_networks(db, model, previous["networks"],
                                        changed_bits | vanished_bits, kept_pairs)
    scoped = db.execute(f"SELECT count(*) FROM {SCOPE_LINKS}").fetchone()[0]
    if scoped > FULL_SHARE * total:
        return _touched_words(scoped, total)  # with the links its network titles reach
    if not _append_anchor_texts(db, mark, changed, texts):
        return "a changed anchor text is now first met elsewhere (their numbering is made afresh)"
    return Plan(day, newest, networks, pairs, scoped, kept_pairs)


def _touched_words(scoped: int, total: int) -> str:
    """The share of the links the new data touched, in words, when over FULL_SHARE ('')."""
    if scoped <= FULL_SHARE * total:
        return ""
    return (f"the new data touched {scoped / total:.0%} of the links (a full re-score is as "
            f"quick above {FULL_SHARE:.0%})")


def _and(first: str, second: str) -> str:
    return f"{first}, and {second}" if second else first


def _newest(db: sqlite3.Connection, previous: dict[str, Any]) -> str | None:
    """The newest date of the data. The links outside the scope did not change, so theirs is
    at most the one stored: when the scope's links reach it, theirs is the newest, without a
    scan of every link (one is left only when the newest links changed or went)."""
    touched = newest_date(db, scoped=True)
    if "newest" in previous and (previous["newest"] is None or (
            touched is not None and touched >= previous["newest"])):
        return touched
    return newest_date(db)


def _collect_touched(db: sqlite3.Connection, mark: dict[str, int]) -> None:
    """The referring domains of every link observed, added or marked by Google since, or
    whose link became lost or live again (link_status_update)."""
    db.execute(f"DROP TABLE IF EXISTS {SCOPE}")
    db.execute(f"CREATE TEMP TABLE {SCOPE.split('.')[1]} (domain TEXT PRIMARY KEY) WITHOUT ROWID")
    last_import = mark["last_import"]
    db.execute(
        f"INSERT OR IGNORE INTO {SCOPE} "
        f"SELECT l.domain FROM observations AS o JOIN links AS l ON l.id = o.link_id "
        f"WHERE o.id > ? "
        f"UNION SELECT domain FROM links WHERE id > ? "
        f"UNION SELECT domain FROM google_page_rows WHERE import_id > ? "
        f"UNION SELECT l.domain FROM links AS l WHERE l.source_url IN "
        f"(SELECT source_url FROM google_page_rows WHERE import_id > ?)",
        (mark["last_observation"], mark["last_link"], last_import, last_import),
    )
    moved = mark.get("last_status_move", 0)
    if last_status_move(db) > moved:
        db.execute(f"INSERT OR IGNORE INTO {SCOPE} SELECT domain FROM status_moves "
                   f"WHERE id > ?", (moved,))


_MAX_CHANGED_TEXTS = 500  # more changed anchor texts than this: a full re-score
Changed = list[tuple[int, str | None, str | None]]
"""Links whose anchor text changed: (link id, text before, text now; None: no text)."""


def _drop_vanished(
    db: sqlite3.Connection, mark: dict[str, int], total: int
) -> tuple[Changed, int] | None:
    """Drop the scores of links that are gone (merged duplicates, replaced placeholders), put
    their domains in the scope and return them with their anchor texts, and their flags
    together; None when the stored scores are not what the last re-score left."""
    scored = db.execute("SELECT count(*) FROM link_features").fetchone()[0]
    added = db.execute("SELECT count(*) FROM links WHERE id > ?",
                       (mark["last_link"],)).fetchone()[0]
    vanished = scored + added - total
    if vanished == 0:
        return [], 0
    if vanished < 0:
        return None  # links without scores
    rows = db.execute(
        "SELECT f.link_id, a.anchor, d.domain, f.flags FROM link_features AS f "
        "LEFT JOIN domain_scores AS d ON d.id = f.domain_id "
        "LEFT JOIN anchor_texts AS a ON a.id = f.anchor_id "
        "WHERE f.link_id NOT IN (SELECT id FROM links)"
    ).fetchall()
    if any(row[2] is None for row in rows):
        return None
    db.executemany(f"INSERT OR IGNORE INTO {SCOPE} VALUES (?)", [(row[2],) for row in rows])
    for table in ("link_features", "link_scores"):
        db.executemany(f"DELETE FROM {table} WHERE link_id = ?", [(row[0],) for row in rows])
    bits = 0
    for row in rows:
        bits |= row[3]
    return [(link_id, anchor, None) for link_id, anchor, *_ in rows], bits


def _network_bits_of_merged(db: sqlite3.Connection, mark: dict[str, int]) -> int:
    """The flags, as last scored, of the links seen again since: a merge may have changed
    their titles (never their paths: the source URL is what the link is)."""
    bits = 0
    for (flags,) in db.execute(
        "SELECT flags FROM link_features WHERE link_id IN (SELECT link_id FROM observations "
        "WHERE id > ? AND link_id <= ?)", (mark["last_observation"], mark["last_link"])
    ):
        bits |= flags
    return bits & BIT["network_title"]


def _scope_links(db: sqlite3.Connection) -> int:
    return db.execute(f"SELECT count(*) FROM links {in_scope(True)}").fetchone()[0]


def _recount_networks(
    db: sqlite3.Connection, model: Model, before: dict[str, list[str]], changed_bits: int,
    kept: np.ndarray,
) -> tuple[dict[str, list[str]], list[network_keys.Pair]]:
    """Decide the network titles and paths the changes could have moved across the threshold
    (the touched links' now; every previous one too when a link that may have changed its
    title or path had the flag), add the links elsewhere whose membership changed to the
    links recomputed and their domains to those rolled up; return the network sets and the
    touched domains' `network_keys` pairs."""
    touched = {row[0] for row in db.execute(f"SELECT domain FROM {SCOPE}")}
    now: dict[tuple[str, str], set[str]] = {}
    pairs: set[network_keys.Pair] = set()
    for domain, title, url, network_title, network_path in db.execute(
        f"SELECT domain, title, source_url, "
        f"CASE WHEN length(title) >= {NETWORK_TITLE_MIN_LENGTH} THEN title END, "
        f"CASE WHEN {network_path_sql('path')} AND instr(path, '?') = 0 THEN path END "
        f"FROM (SELECT domain, title, source_url, {PATH_SQL} AS path FROM links AS l "
        f"{in_scope(True, 'l.domain')})"
    ):
        pairs.update((k, domain) for k in network_keys.link_keys(title, url))
        if network_title is not None:
            now.setdefault((network_keys.TITLE, network_title), set()).add(domain)
        if network_path is not None:
            now.setdefault((network_keys.PATH, network_path), set()).add(domain)
    was = {network_keys.TITLE: set(before["titles"]), network_keys.PATH: set(before["paths"])}
    wanted = set(now)
    for kind, flag in ((network_keys.TITLE, "network_title"), (network_keys.PATH, "network_path")):
        if changed_bits & BIT[flag]:  # which one it had is not known: all of them
            wanted |= {(kind, text) for text in was[kind]}
    candidates = [
        network_keys.Candidate(kind, text, text in was[kind], now.get((kind, text), set()))
        for kind, text in sorted(wanted)
    ]
    detection = model.detection
    counted = network_keys.recount(db, kept, candidates, touched, {
        network_keys.TITLE: int(detection["network_title_domains"]),
        network_keys.PATH: int(detection["network_path_domains"]),
    })
    for name, kind, column in (("score_titles", network_keys.TITLE, "title"),
                               ("score_paths", network_keys.PATH, "path")):
        db.execute(f"DROP TABLE IF EXISTS temp.{name}")
        db.execute(f"CREATE TEMP TABLE {name} ({column} TEXT PRIMARY KEY, domains INTEGER) "
                   f"WITHOUT ROWID")
        db.executemany(f"INSERT INTO temp.{name} VALUES (?, ?)",
                       sorted(counted.networks[kind].items()))
    db.executemany(f"INSERT OR IGNORE INTO {SCOPE_LINKS} VALUES (?)",
                   [(link_id,) for link_id, _ in counted.moved_links])
    db.executemany(f"INSERT OR IGNORE INTO {ROLL_UP} VALUES (?)",
                   [(domain,) for _, domain in counted.moved_links])
    decided = {(c.kind, c.text) for c in candidates}
    after = {kind: sorted({text for text in was[kind] if (kind, text) not in decided}
                          | set(counted.networks[kind])) for kind in was}
    return {"titles": after[network_keys.TITLE], "paths": after[network_keys.PATH]}, sorted(pairs)


def _changed_anchors(db: sqlite3.Connection, vanished: Changed) -> Changed:
    """The links gone and the links of the scope whose anchor text changed."""
    # Driven by the scope's links (CROSS JOIN keeps that order): a handful of lookups each.
    return vanished + db.execute(
        f"SELECT l.id, a.anchor, l.anchor FROM {SCOPE_LINKS} AS s "
        f"CROSS JOIN links AS l ON l.id = s.id CROSS JOIN link_features AS f "
        f"ON f.link_id = s.id LEFT JOIN anchor_texts AS a ON a.id = f.anchor_id "
        f"WHERE a.anchor IS NOT l.anchor"
    ).fetchall()


def _append_anchor_texts(
    db: sqlite3.Connection, mark: dict[str, int], changed: Changed, texts: set[str]
) -> bool:
    """Number the new anchor texts as a full re-score would; False when that is not simply
    appending (a changed text moves where a scan of the links first meets a text)."""
    if texts and not _order_kept(db, mark, changed, texts):
        return False
    # A full re-score numbers texts in the order a scan of the links first meets them: the
    # texts no old link has come after the old ones, in the order of their first new link.
    fresh = [row[0] for row in db.execute(
        "SELECT anchor FROM links WHERE id > ? AND anchor IS NOT NULL "
        "AND anchor NOT IN (SELECT anchor FROM anchor_texts) GROUP BY anchor ORDER BY min(id)",
        (mark["last_link"],),
    )]
    if not fresh:
        return True
    keys = {facts.anchor_key(anchor): key
            for anchor, key in db.execute("SELECT anchor, key FROM anchor_texts")}
    next_id, next_key = db.execute(
        "SELECT coalesce(max(id), 0) + 1, coalesce(max(key), 0) + 1 FROM anchor_texts"
    ).fetchone()
    rows = []
    for number, anchor in enumerate(fresh, start=next_id):
        key = keys.setdefault(facts.anchor_key(anchor), next_key)
        next_key += key == next_key
        rows.append((number, key, anchor))
    db.executemany("INSERT INTO anchor_texts (id, key, anchor) VALUES (?, ?, ?)", rows)
    return True


def _order_kept(
    db: sqlite3.Connection, mark: dict[str, int], changed: Changed, texts: set[str]
) -> bool:
    """Whether every text a changed link had or has is first met at the same link as before
    (a text new to the project: first met in a new link, so it is appended)."""
    numbers = dict(db.execute(  # the texts' numbers, of those the project has numbered
        f"SELECT id, anchor FROM anchor_texts WHERE anchor IN "
        f"(SELECT value FROM {ANCHOR_CANDIDATES})"
    ).fetchall())
    known = set(numbers.values())
    unchanged = _first_unchanged(db, changed, numbers)
    for text in texts:
        first = unchanged.get(text)
        arrived = [link_id for link_id, _, now in changed if now == text]
        now = min([i for i in (first, *arrived) if i is not None], default=None)
        if text not in known:
            if now is None or now <= mark["last_link"]:
                return False
            continue
        away = [link_id for link_id, before, _ in changed if before == text]
        before_ids = [i for i in (first, *away) if i is not None]
        if now != (min(before_ids) if before_ids else None):
            return False
    return True


def _first_unchanged(
    db: sqlite3.Connection, changed: Changed, numbers: dict[int, str]
) -> dict[str, int]:
    """Per known text (`numbers`: anchor id -> text), the first link that has it and whose
    text did not change. The stored features still describe the links as last scored (the
    changed ones left aside), so the narrow `link_features` is read in id order, not `links`,
    and only until every text's first link is found (the common texts' come first)."""
    found: dict[str, int] = {}
    if not numbers:
        return found
    away = {row[0] for row in changed}
    rows = db.execute(
        f"SELECT link_id, anchor_id FROM link_features WHERE anchor_id IN "
        f"({', '.join(map(str, numbers))}) ORDER BY link_id"
    )
    for link_id, number in rows:
        if link_id not in away and numbers[number] not in found:
            found[numbers[number]] = link_id
            if len(found) == len(numbers):
                break
    rows.close()
    return found

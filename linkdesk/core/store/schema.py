"""The project file's schema, as a list of migrations.

`PRAGMA user_version` holds the number of migrations applied. A migration is appended, never
edited once released: a project made by any earlier version upgrades step by step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]

# The observation fields as `fields.FIELDS` held them when migration 1 was released, written out
# so that a later field (added by a migration of its own) cannot change what migration 1 builds.
_V1_FIELD_COLUMNS = """anchor TEXT,
    title TEXT,
    language TEXT,
    nofollow INTEGER,
    ugc INTEGER,
    sponsored INTEGER,
    image INTEGER,
    redirect INTEGER,
    frame INTEGER,
    form INTEGER,
    sitewide INTEGER,
    lost INTEGER,
    is_spam INTEGER,
    first_seen TEXT,
    last_seen TEXT,
    lost_at TEXT,
    http_code INTEGER,
    domain_rating REAL,
    url_rating REAL,
    trust_flow REAL,
    citation_flow REAL,
    domain_authority REAL,
    page_authority REAL,
    page_ascore REAL,
    spam_score REAL,
    toxicity REAL,
    domain_traffic REAL,
    page_traffic REAL,
    external_links INTEGER,
    internal_links INTEGER"""


def _v1_initial(db: sqlite3.Connection) -> None:
    fields = _V1_FIELD_COLUMNS
    _run_script(
        db,
        f"""
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    file_path TEXT NOT NULL,
    file_sha256 TEXT NOT NULL UNIQUE,
    file_size INTEGER NOT NULL,
    vendor TEXT NOT NULL,          -- ahrefs, semrush, majestic, moz, gsc, generic
    format TEXT NOT NULL,          -- e.g. ahrefs-backlinks, semrush-legacy, gsc-latest-links
    member TEXT,                   -- the CSV inside a ZIP, if any
    encoding TEXT NOT NULL,
    delimiter TEXT NOT NULL,
    header_line INTEGER NOT NULL,
    columns TEXT NOT NULL,         -- JSON list of the header's column names
    mapping TEXT NOT NULL,         -- JSON: field -> column name
    rows_read INTEGER NOT NULL,
    rows_imported INTEGER NOT NULL,
    rows_skipped INTEGER NOT NULL,
    links_added INTEGER NOT NULL,
    links_merged INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);

-- The imported text itself, compressed in runs of lines: every original column of every row,
-- including columns LinkDesk does not understand, stays in the project.
CREATE TABLE import_chunks (
    import_id INTEGER NOT NULL REFERENCES imports(id),
    first_line INTEGER NOT NULL,
    last_line INTEGER NOT NULL,
    text_z BLOB NOT NULL,          -- zlib-compressed UTF-8 text of those lines
    PRIMARY KEY (import_id, first_line)
) WITHOUT ROWID;

CREATE TABLE skipped_rows (
    import_id INTEGER NOT NULL REFERENCES imports(id),
    line_no INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX skipped_rows_import ON skipped_rows(import_id);

-- One row per imported data row: one vendor's view of one link.
CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    link_id INTEGER NOT NULL,
    import_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    vendor TEXT NOT NULL,
    {fields}
);
CREATE INDEX observations_link ON observations(link_id);

-- The merged links: one per normalised (source URL, target URL).
CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    source_url TEXT NOT NULL,
    target_url TEXT NOT NULL,
    source_host TEXT NOT NULL,
    domain TEXT NOT NULL,          -- referring domain (registered domain, PSL private included)
    vendors INTEGER NOT NULL DEFAULT 0,   -- bit set, see fields.vendor_bit
    observation_count INTEGER NOT NULL DEFAULT 0,
    google_seen INTEGER NOT NULL DEFAULT 0,
    placeholder INTEGER NOT NULL DEFAULT 0,  -- made from a Search Console page alone
    {fields}
);
CREATE UNIQUE INDEX links_identity ON links(source_url, target_url);
CREATE INDEX links_domain ON links(domain);

-- Search Console "Latest links": pages Google knows link to the site.
CREATE TABLE google_pages (
    source_url TEXT PRIMARY KEY,
    source_host TEXT NOT NULL,
    domain TEXT NOT NULL,
    last_crawled TEXT
);
CREATE TABLE google_page_rows (
    source_url TEXT NOT NULL,
    source_host TEXT NOT NULL,
    domain TEXT NOT NULL,
    import_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    last_crawled TEXT
);

-- Search Console "Top linking sites".
CREATE TABLE google_sites (
    domain TEXT PRIMARY KEY,
    linking_pages INTEGER,
    target_pages INTEGER
);
CREATE TABLE google_site_rows (
    domain TEXT NOT NULL,
    import_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    linking_pages INTEGER,
    target_pages INTEGER
);

-- Referring domains, rebuilt from links (and Search Console sites) after every import.
CREATE TABLE referring_domains (
    domain TEXT PRIMARY KEY,
    links INTEGER NOT NULL,
    hosts INTEGER NOT NULL,
    dofollow_links INTEGER NOT NULL,
    lost_links INTEGER NOT NULL,
    google_seen INTEGER NOT NULL,
    google_linking_pages INTEGER,
    first_seen TEXT,
    last_seen TEXT,
    domain_rating REAL,
    trust_flow REAL,
    citation_flow REAL,
    domain_authority REAL,
    spam_score REAL
);
"""
    )


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it would COMMIT the migration's transaction half-way.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


def _v2_scores(db: sqlite3.Connection) -> None:
    # Scores live in their own narrow tables, not in `links`: re-scoring rewrites every row,
    # and rewriting a narrow table (and rebuilding its indexes) is several times cheaper than
    # updating the wide links rows. See docs/scoring.md.
    _run_script(
        db,
        """
-- One row per referring domain with links: facts the scores need, then the domain's scores.
CREATE TABLE domain_scores (
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    links INTEGER NOT NULL,
    live_links INTEGER NOT NULL,
    hosts INTEGER NOT NULL,
    top_target_links INTEGER NOT NULL,   -- links to the page this domain links to most
    platform INTEGER NOT NULL,           -- a blog platform: repetition is counted per host
    authority INTEGER,                   -- the domain's scaled authority, 0-1000
    trust INTEGER NOT NULL,              -- signal values, thousandths (see docs/scoring.md)
    traffic INTEGER,
    country INTEGER NOT NULL,
    repetition INTEGER NOT NULL,
    footer INTEGER NOT NULL,
    scope_flags INTEGER NOT NULL,        -- flags every link of the domain has
    flags INTEGER NOT NULL,              -- the domain's flags (bit set)
    quality REAL,                        -- its best link's quality, 0-100
    best_link_id INTEGER,
    band INTEGER,                        -- 0 risky, 1 weak, 2 fair, 3 strong
    risk_level INTEGER,                  -- 0 none, 1 low, 2 medium, 3 high
    risk_points INTEGER,
    low_confidence INTEGER
);
CREATE INDEX domain_scores_quality ON domain_scores(quality, risk_points);
CREATE INDEX domain_scores_risk ON domain_scores(risk_points, quality);

-- Signal values per link (thousandths, 0 = neutral), recomputed when the data, the terms or
-- the detection settings change; weights only recombine them.
CREATE TABLE link_features (
    link_id INTEGER PRIMARY KEY,
    domain_id INTEGER NOT NULL,
    authority INTEGER NOT NULL,
    trust INTEGER NOT NULL,
    traffic INTEGER NOT NULL,
    page_traffic INTEGER NOT NULL,
    follow INTEGER NOT NULL,
    image INTEGER NOT NULL,
    redirect INTEGER NOT NULL,
    frame_form INTEGER NOT NULL,
    relevance INTEGER NOT NULL,
    market INTEGER NOT NULL,
    page_links INTEGER NOT NULL,
    repetition INTEGER NOT NULL,
    sitewide INTEGER NOT NULL,
    lost INTEGER NOT NULL,
    age INTEGER NOT NULL,
    stale INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    anchor_class INTEGER NOT NULL,
    confidence INTEGER NOT NULL          -- evidence groups present, 0-5
);

-- What tables sort and filter by.
CREATE TABLE link_scores (
    link_id INTEGER PRIMARY KEY,
    domain_id INTEGER NOT NULL,
    quality REAL NOT NULL,
    band INTEGER NOT NULL,
    risk_level INTEGER NOT NULL,
    risk_points INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    anchor_class INTEGER NOT NULL,
    low_confidence INTEGER NOT NULL
);
CREATE INDEX link_scores_quality ON link_scores(quality, risk_points);
CREATE INDEX link_scores_risk ON link_scores(risk_points, quality);

-- What the stored scores were computed from (JSON values).
CREATE TABLE scoring_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
    )


def _v3_marks(db: sqlite3.Connection) -> None:
    # Marks are keyed by what identifies a link or domain across re-imports, never by row id:
    # a link's id belongs to one `links` row, while (source_url, target_url), normalised as
    # `links` stores them, is the link itself. So a mark survives a rebuilt project, and a
    # mark can exist for a link or domain the profile does not (or no longer) hold.
    _run_script(
        db,
        """
-- The user's decision on a referring domain: covers every link of the domain.
CREATE TABLE domain_marks (
    domain TEXT PRIMARY KEY,             -- registered domain, punycode, as links.domain
    kind TEXT NOT NULL CHECK (kind IN ('disavow', 'keep', 'review')),
    reason TEXT NOT NULL DEFAULT '',
    marked_at TEXT NOT NULL,             -- ISO UTC, e.g. 2026-11-26T16:40:00Z
    forced INTEGER NOT NULL DEFAULT 0    -- a disavow that wins over keep marks of its links
);
CREATE INDEX domain_marks_kind ON domain_marks(kind);

-- The user's decision on one link; wins over its domain's mark (a domain keep wins over a
-- link's disavow unless that disavow is forced).
CREATE TABLE link_marks (
    source_url TEXT NOT NULL,
    target_url TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('disavow', 'keep', 'review')),
    reason TEXT NOT NULL DEFAULT '',
    marked_at TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source_url, target_url)
) WITHOUT ROWID;
CREATE INDEX link_marks_kind ON link_marks(kind);

-- Disavow files: the client's files imported, and the files LinkDesk wrote.
CREATE TABLE disavow_files (
    id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('imported', 'exported')),
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    lines INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    problems INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- Every line of those files that means something: entries, and invalid lines kept as text.
CREATE TABLE disavow_entries (
    file_id INTEGER NOT NULL REFERENCES disavow_files(id),
    line_no INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('domain', 'url', 'invalid')),
    value TEXT NOT NULL,                 -- punycode host, normalised URL, or the line as is
    text TEXT NOT NULL,                  -- the line as written
    comment TEXT NOT NULL DEFAULT '',    -- the comment lines just above it
    PRIMARY KEY (file_id, line_no)
) WITHOUT ROWID;
CREATE INDEX disavow_entries_value ON disavow_entries(kind, value);

-- Entries of imported files the user explicitly took back (cleared or kept since).
CREATE TABLE disavow_withdrawn (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    withdrawn_at TEXT NOT NULL,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
"""
    )


def _v4_checks(db: sqlite3.Connection) -> None:
    # The live check history (linkdesk/core/checker, docs/checking.md). `IF NOT EXISTS`: a
    # project checked before this migration existed already has these tables (the checker
    # created them itself), with the same columns.
    _run_script(
        db,
        """
-- One row per check: when, how many links and pages, whether it was stopped.
CREATE TABLE IF NOT EXISTS check_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,          -- ISO 8601, UTC
    finished_at TEXT,                  -- NULL while running, or if the process died
    links_selected INTEGER NOT NULL,
    links_checked INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    options TEXT NOT NULL              -- JSON: concurrency, timeouts, transport, ...
);

-- The history: one row per link per check.
CREATE TABLE IF NOT EXISTS link_checks (
    id INTEGER PRIMARY KEY,
    link_id INTEGER NOT NULL,
    run_id INTEGER NOT NULL REFERENCES check_runs(id),
    checked_at TEXT NOT NULL,          -- ISO 8601, UTC
    status TEXT NOT NULL,              -- live, missing, page_error, redirected, blocked, ...
    http_code INTEGER,
    final_url TEXT,
    redirects TEXT,                    -- JSON [[code, url], ...], NULL when none
    found INTEGER NOT NULL DEFAULT 0,  -- links to the target on the page
    anchor TEXT,
    nofollow INTEGER,                  -- rel of the link found; NULL when not found
    ugc INTEGER,
    sponsored INTEGER,
    noindex INTEGER,                   -- NULL when the page was not read
    detail TEXT NOT NULL DEFAULT '',
    elapsed_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS link_checks_link ON link_checks(link_id, id);

-- Each checked link's latest check and the one before it; the status copied for the
-- Check column's filter and sort (its index), the check id for the Checked column's sort.
CREATE TABLE IF NOT EXISTS check_latest (
    link_id INTEGER PRIMARY KEY,
    check_id INTEGER NOT NULL,         -- the latest check of the link
    previous_id INTEGER,               -- the one before it, NULL after the first check
    status TEXT NOT NULL               -- copied from the latest check
);
CREATE INDEX IF NOT EXISTS check_latest_status ON check_latest(status);
CREATE INDEX IF NOT EXISTS check_latest_check ON check_latest(check_id);

CREATE VIEW IF NOT EXISTS latest_checks AS
    SELECT c.* FROM check_latest AS l JOIN link_checks AS c ON c.id = l.check_id
"""
    )


def _v5_chart_facts(db: sqlite3.Connection) -> None:
    # The dashboard's per-link facts (scoring/facts.py), kept with the features and copied
    # into the scores, so a chart of a million links reads one narrow table. Existing scores
    # lack them: forgetting the scoring state makes the next re-score compute them.
    columns = ("rel INTEGER NOT NULL DEFAULT 0", "vendors INTEGER NOT NULL DEFAULT 0",
               "first_month INTEGER NOT NULL DEFAULT -1",
               "lost_month INTEGER NOT NULL DEFAULT -1", "anchor_id INTEGER NOT NULL DEFAULT 0")
    for table in ("link_features", "link_scores"):
        for column in columns:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    # The month a domain was lost (its last link's, once every link is lost); every distinct
    # anchor text with the key of its group (texts equal but for ASCII case, as the Anchors
    # table groups them). Not "anchor_groups": the Anchors table's temporary table has that
    # name, and an unqualified name finds the temporary table first.
    db.execute("ALTER TABLE domain_scores ADD COLUMN lost_month INTEGER NOT NULL DEFAULT -1")
    # The vendors reporting any of a domain's links (bits as links.vendors): the Referring
    # domains table's vendor filter without a lookup in every domain's links.
    db.execute("ALTER TABLE domain_scores ADD COLUMN vendors INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE TABLE anchor_texts (id INTEGER PRIMARY KEY, key INTEGER NOT NULL, "
               "anchor TEXT NOT NULL)")
    db.execute("CREATE INDEX anchor_texts_key ON anchor_texts(key)")
    db.execute("DELETE FROM scoring_state")


def _v6_timeline(db: sqlite3.Connection) -> None:
    # The project's time axis (linkdesk/core/timeline, docs/changes.md). Every import gets the
    # day its export describes. Imports made before this migration did not record the file's
    # modification time, so they get what the new rule takes from a file first: the latest
    # last-seen (or lost, or Search Console crawl) date their rows hold; failing that, the
    # day they were imported.
    db.execute("ALTER TABLE imports ADD COLUMN as_of TEXT")  # YYYY-MM-DD
    # Where as_of came from: 'file' (its dates), 'mtime', 'user' (--as-of), 'imported'.
    db.execute("ALTER TABLE imports ADD COLUMN as_of_source TEXT")
    db.execute(
        "UPDATE imports SET as_of_source = 'file', as_of = coalesce("
        "(SELECT max(max(coalesce(o.last_seen, ''), coalesce(o.lost_at, ''))) "
        " FROM observations AS o WHERE o.import_id = imports.id), '') "
    )
    db.execute(
        "UPDATE imports SET as_of = (SELECT max(r.last_crawled) FROM google_page_rows AS r "
        "WHERE r.import_id = imports.id) WHERE as_of = ''"
    )
    db.execute(
        "UPDATE imports SET as_of = substr(imported_at, 1, 10), as_of_source = 'imported' "
        "WHERE coalesce(as_of, '') = ''"
    )
    db.execute("CREATE INDEX imports_as_of ON imports(vendor, as_of)")
    # The observations an import added are one run of ids (one import writes at a time, and
    # ids only grow): the timeline reads a snapshot's rows by that range, not by a scan.
    db.execute("ALTER TABLE imports ADD COLUMN first_observation_id INTEGER")
    db.execute("ALTER TABLE imports ADD COLUMN last_observation_id INTEGER")
    db.execute(
        "UPDATE imports SET first_observation_id = r.first, last_observation_id = r.last "
        "FROM (SELECT import_id, min(id) AS first, max(id) AS last FROM observations "
        "GROUP BY import_id) AS r WHERE r.import_id = imports.id"
    )
    _run_script(
        db,
        """
-- Finished reviews. A review covers what the project held when it was recorded: the imports,
-- links and live checks up to these ids (ids only grow).
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    reviewed_at TEXT NOT NULL,           -- ISO UTC, e.g. 2026-11-03T09:12:00Z
    note TEXT NOT NULL DEFAULT '',
    last_import_id INTEGER NOT NULL,
    last_link_id INTEGER NOT NULL,
    last_check_id INTEGER NOT NULL
);

-- What each vendor import's rows say, packed for the timeline (core/timeline/digests.py): its
-- rows never change, so the changes between two snapshots read these few arrays instead of
-- a million wide rows. Made when first needed; deleting a row only costs time.
CREATE TABLE snapshot_digests (
    import_id INTEGER PRIMARY KEY REFERENCES imports(id),
    format INTEGER NOT NULL,             -- the packing's version (digests.FORMAT)
    rows INTEGER NOT NULL,
    links BLOB NOT NULL,                 -- int64 link ids, in observation id order
    codes BLOB NOT NULL,                 -- int16 codes (lost, rel, redirect, ...)
    anchors BLOB NOT NULL,               -- uint32 CRC-32 of the anchors, normalised
    observation_ids BLOB                 -- int64 ids; NULL: the import's run of ids
);

-- Each referring domain's quality band and risk level when a review was recorded: what later
-- band and risk moves are measured against (scores describe the data as it is now only).
CREATE TABLE review_grades (
    review_id INTEGER NOT NULL REFERENCES reviews(id),
    domain TEXT NOT NULL,
    band INTEGER NOT NULL,               -- 0 risky .. 3 strong, as domain_scores
    risk_level INTEGER NOT NULL,         -- 0 none .. 3 high
    PRIMARY KEY (review_id, domain)
) WITHOUT ROWID
"""
    )


def _v7_placements(db: sqlite3.Connection) -> None:
    # The ledger of links the freelancer placed (core/placements, docs/placements.md): what
    # was agreed, the live checks of their pages, and the history of their statuses.
    _run_script(
        db,
        """
-- One placed (built or bought) link. AUTOINCREMENT: a deleted placement's id is never given
-- to another, so undoing the delete brings back the same id and its history.
CREATE TABLE placements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_url TEXT NOT NULL DEFAULT '', -- normalised page URL; '' while only the domain is known
    domain TEXT NOT NULL,                -- the page's registered domain, as links.domain
    target_url TEXT NOT NULL,            -- normalised, as links.target_url
    anchor TEXT NOT NULL DEFAULT '',     -- the agreed anchor text; '' any
    rel TEXT NOT NULL DEFAULT 'follow',  -- follow, nofollow, ugc or sponsored
    placed_on TEXT,                      -- YYYY-MM-DD
    expires_on TEXT,                     -- YYYY-MM-DD: expiry or renewal
    price REAL,
    currency TEXT NOT NULL DEFAULT '',   -- ISO 4217, upper case
    type TEXT NOT NULL DEFAULT 'other',  -- guest_post, niche_edit, directory, pr, outreach, other
    contact TEXT NOT NULL DEFAULT '',    -- vendor or contact
    notes TEXT NOT NULL DEFAULT '',
    tag TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,              -- ISO UTC
    status TEXT NOT NULL DEFAULT 'unchecked', -- live, changed, missing, gone, unchecked, expired
    differences TEXT NOT NULL DEFAULT '', -- for changed: 'rel', 'anchor', 'target', space separated
    status_since TEXT                    -- ISO UTC: when the status was first recorded
);
CREATE INDEX placements_page ON placements(source_url, target_url);
CREATE INDEX placements_domain ON placements(domain);
CREATE INDEX placements_status ON placements(status, id);
CREATE INDEX placements_expires ON placements(expires_on, id);
CREATE INDEX placements_placed ON placements(placed_on, id);

-- Each live check of a placement's page (the checker's outcome, as link_checks). `found`
-- counts links to the agreed target; `elsewhere` those to other pages of the target's host.
CREATE TABLE placement_checks (
    id INTEGER PRIMARY KEY,
    placement_id INTEGER NOT NULL,
    checked_at TEXT NOT NULL,
    status TEXT NOT NULL,                -- a checker status (checker/model.py)
    http_code INTEGER,
    final_url TEXT,
    found INTEGER NOT NULL DEFAULT 0,
    elsewhere INTEGER NOT NULL DEFAULT 0,
    anchor TEXT,
    nofollow INTEGER,
    ugc INTEGER,
    sponsored INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX placement_checks_placement ON placement_checks(placement_id, id);

-- Every status a placement took, with the day it was recorded.
CREATE TABLE placement_statuses (
    id INTEGER PRIMARY KEY,
    placement_id INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,           -- ISO UTC
    status TEXT NOT NULL,
    differences TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX placement_statuses_placement ON placement_statuses(placement_id, id)
"""
    )


def _v8_network_keys(db: sqlite3.Connection) -> None:
    # Which referring domains show each page title and article path (scoring/network_keys.py):
    # an incremental re-score counts the domains of the touched links' titles and paths here,
    # not in a pass over every link. One row: the sorted int64 pairs (a 32-bit checksum of the
    # text << 32 | domain_scores.id), 8 bytes each; they bound a count from above and the
    # re-score proves each decision. Kept by the next full re-score.
    db.execute("CREATE TABLE network_keys (id INTEGER PRIMARY KEY CHECK (id = 1), "
               "pairs BLOB NOT NULL)")


# The observation fields when migration 9 was released: migration 1's (none was added since).
_V9_FIELDS = [
    (line.strip().split()[0], line.strip().split()[1].rstrip(","))
    for line in _V1_FIELD_COLUMNS.splitlines()
]


def _v9_fields_once(db: sqlite3.Connection) -> None:
    # Most links have one observation, and then the link's merged fields are that row's fields:
    # storing them in both tables cost a third of a project (issue 21). Observations now keep
    # only what identifies them; their fields live in `observation_values`, except for a link's
    # only observation, whose fields are the link's (merging a second observation into the link
    # writes the first one's fields there first: store/merge.py). The vendor is the import's.
    # Readers of observation fields read the view `observation_fields`.
    columns = ",\n    ".join(f"{name} {kind}" for name, kind in _V9_FIELDS)
    names = ", ".join(name for name, _ in _V9_FIELDS)
    db.execute(
        f"CREATE TABLE observation_values (\n    observation_id INTEGER PRIMARY KEY,\n"
        f"    {columns}\n)"
    )
    # Kept: every observation but a link's only one whose fields are exactly (types included)
    # the link's.
    same = " AND ".join(
        f"o.{name} IS l.{name} AND typeof(o.{name}) = typeof(l.{name})" for name, _ in _V9_FIELDS
    )
    db.execute(
        f"INSERT INTO observation_values (observation_id, {names}) SELECT o.id, "
        + ", ".join(f"o.{name}" for name, _ in _V9_FIELDS)
        + " FROM observations AS o LEFT JOIN links AS l ON l.id = o.link_id "
        f"WHERE NOT (coalesce(l.observation_count = 1 AND {same}, 0) AND (SELECT count(*) "
        "FROM observations AS x WHERE x.link_id = o.link_id) = 1)"
    )
    _run_script(
        db,
        """
CREATE TABLE observations_v9 (
    id INTEGER PRIMARY KEY,
    link_id INTEGER NOT NULL,
    import_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL
);
INSERT INTO observations_v9 (id, link_id, import_id, line_no)
    SELECT id, link_id, import_id, line_no FROM observations;
DROP TABLE observations;
ALTER TABLE observations_v9 RENAME TO observations;
CREATE INDEX observations_link ON observations(link_id)
""",
    )
    values = ", ".join(
        f"CASE WHEN v.observation_id IS NULL THEN l.{name} ELSE v.{name} END AS {name}"
        for name, _ in _V9_FIELDS
    )
    db.execute(
        f"CREATE VIEW observation_fields AS SELECT o.id AS id, o.link_id AS link_id, "
        f"o.import_id AS import_id, o.line_no AS line_no, i.vendor AS vendor, {values} "
        f"FROM observations AS o LEFT JOIN imports AS i ON i.id = o.import_id "
        f"LEFT JOIN observation_values AS v ON v.observation_id = o.id "
        f"LEFT JOIN links AS l ON l.id = o.link_id"
    )


def _v10_placement_hosts(db: sqlite3.Connection) -> None:
    # A placement known only by its domain keeps the host typed (issue 19):
    # `traveltalk.wordpress.com` is one person's blog, not every site on wordpress.com, and
    # is matched only to that host's links. Lower case, punycode, as links.source_host.
    # '' for a known page, and in older projects' rows: the registered domain itself.
    db.execute("ALTER TABLE placements ADD COLUMN host TEXT NOT NULL DEFAULT ''")


def _v11_lazy_score_indexes(db: sqlite3.Connection) -> None:
    # link_scores' two indexes cost 34 MB at a million links (issue 21) and only sort: the
    # Quality column's order is now one of the window's lazy sort indexes
    # (tables/indexes.py), built when a project first opens in the window; (risk_points,
    # quality) served no query.
    db.execute("DROP INDEX IF EXISTS link_scores_quality")
    db.execute("DROP INDEX IF EXISTS link_scores_risk")


def _v12_target_ids(db: sqlite3.Connection) -> None:
    # The identity index held every link's target URL text, though a profile links to few
    # target pages (issue 21: 30 of its 86 MB at a million links). Target URLs get ids in
    # `link_targets`, and (source_url, target_id) identifies a link; `links.target_url` stays
    # for every reader. Ids of existing targets follow their text order.
    _run_script(
        db,
        """
CREATE TABLE link_targets (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE             -- normalised, as links.target_url
);
INSERT INTO link_targets (url) SELECT DISTINCT target_url FROM links ORDER BY target_url;
ALTER TABLE links ADD COLUMN target_id INTEGER REFERENCES link_targets(id);
UPDATE links SET target_id = t.id FROM link_targets AS t WHERE t.url = links.target_url;
DROP INDEX links_identity;
CREATE UNIQUE INDEX links_identity ON links(source_url, target_id);
-- The window's sort index of the Target URL column (tables/indexes.py), if built: the
-- column now sorts through link_targets and an index of target ids, built again when the
-- project next opens in the window. So are its metric sort indexes, which now hold only the
-- links with a value (an Ahrefs-only project has no Majestic, Moz or Semrush metrics).
DROP INDEX IF EXISTS links_target;
DROP INDEX IF EXISTS links_domain_rating;
DROP INDEX IF EXISTS links_url_rating;
DROP INDEX IF EXISTS links_trust_flow;
DROP INDEX IF EXISTS links_citation_flow;
DROP INDEX IF EXISTS links_domain_authority;
DROP INDEX IF EXISTS links_page_authority;
DROP INDEX IF EXISTS links_page_ascore;
DROP INDEX IF EXISTS links_spam_score
""",
    )
    # A writer that names no target id (or changes a target URL) gets the URL's id, so the
    # identity index keeps each link unique. LinkDesk's own writers give the id (store/merge.py).
    # Not _run_script: a trigger's body holds several statements.
    db.execute(
        "CREATE TRIGGER links_target_id AFTER INSERT ON links WHEN NEW.target_id IS NULL BEGIN "
        "INSERT OR IGNORE INTO link_targets (url) VALUES (NEW.target_url); "
        "UPDATE links SET target_id = (SELECT id FROM link_targets WHERE url = NEW.target_url) "
        "WHERE id = NEW.id; "
        # Under INSERT OR IGNORE the UPDATE of a duplicate is skipped: refuse the row.
        "SELECT RAISE(ABORT, 'UNIQUE constraint failed: links.source_url, links.target_id') "
        "WHERE (SELECT target_id FROM links WHERE id = NEW.id) IS NULL; END"
    )
    db.execute(
        "CREATE TRIGGER links_target_url AFTER UPDATE OF target_url ON links BEGIN "
        "INSERT OR IGNORE INTO link_targets (url) VALUES (NEW.target_url); "
        "UPDATE links SET target_id = (SELECT id FROM link_targets WHERE url = NEW.target_url) "
        "WHERE id = NEW.id; END"
    )


def _v13_link_status(db: sqlite3.Connection) -> None:
    # Whether each link is still there now, as `linkdesk changes` decides it (issue: a link
    # no vendor reports any more kept lost = 0, so the tables, the Dashboard and the report
    # counted it live): 1 live, 2 no longer reported, 3 reported lost by a vendor, 4 found
    # gone by a live check (core/timeline/status.py). Kept by link_status_update after every
    # import, check and change of an import's day; worked out here for the links there are.
    # The Anchors table's lazy covering index held `lost`; it now holds `status` (built again
    # when the project next opens in the window).
    db.execute("ALTER TABLE links ADD COLUMN status INTEGER NOT NULL DEFAULT 1")
    db.execute("DROP INDEX IF EXISTS links_anchor")
    # The referring domains whose links became lost or live again, in order: a re-score
    # recomputes those noted since its last run (as it does the observations added since).
    db.execute("CREATE TABLE status_moves (id INTEGER PRIMARY KEY, domain TEXT NOT NULL)")
    # Imported here: the timeline it runs reads the store (an import cycle at the top).
    from linkdesk.core.link_status_update import write_link_status

    write_link_status(db)
    # Every domain's lost links by the status (a link one vendor reports lost and another
    # live was counted lost; the write above recounted only the domains of links it moved).
    db.execute("UPDATE referring_domains SET lost_links = (SELECT count(*) FROM links AS l "
               "WHERE l.domain = referring_domains.domain AND l.status <> 1)")
    # The lost signal and the charts' facts now read the status: score every link again.
    db.execute("DELETE FROM scoring_state")


MIGRATIONS: list[Migration] = [
    _v1_initial, _v2_scores, _v3_marks, _v4_checks, _v5_chart_facts, _v6_timeline,
    _v7_placements, _v8_network_keys, _v9_fields_once, _v10_placement_hosts,
    _v11_lazy_score_indexes, _v12_target_ids, _v13_link_status,
]
SCHEMA_VERSION = len(MIGRATIONS)

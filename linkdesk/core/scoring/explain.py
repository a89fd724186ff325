"""Explanations: the contributions that add up to a stored score, and every flag's evidence.

The effects are computed by the very SQL expressions that produced the stored score
(`combine.contribution_sql`) from the stored signal values, in integer tenths of a point, so
they add up to the stored quality exactly. If the settings changed since the last re-score,
`current` is False and the explanation says what the score would be now.
"""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from linkdesk.core.scoring import evidence
from linkdesk.core.scoring.combine import SCORE_MAX, contribution_sql, risky_points_of
from linkdesk.core.scoring.engine import read_state, scores_current
from linkdesk.core.scoring.features import PATH_SQL, client_sites, target_sites
from linkdesk.core.scoring.flags import BIT, DOMAIN_FLAGS, flag_names
from linkdesk.core.scoring.model import ANCHOR_CLASSES, BANDS, RISK_LEVELS, Model, load_model
from linkdesk.core.words import plural


@dataclass(frozen=True)
class Contribution:
    """One signal's part in a score: its evidence, its value (-1..1) and its effect (points)."""

    signal: str
    evidence: str
    value: float
    effect: float


@dataclass(frozen=True)
class FlagEvidence:
    """One risk flag, its risk points and why it is there."""

    flag: str
    points: int
    evidence: str


@dataclass(frozen=True)
class LinkExplanation:
    """Why a link scores what it scores."""

    link_id: int
    source_url: str
    target_url: str
    domain: str
    anchor: str | None
    anchor_class: str
    quality: float
    band: str
    risk_level: str
    risk_points: int
    confidence: int  # evidence groups present, 0-5
    low_confidence: bool
    current: bool  # False: the settings or data changed since the scores were stored
    contributions: list[Contribution] = field(default_factory=list)
    flags: list[FlagEvidence] = field(default_factory=list)
    band_reason: str = ""  # one line: why this band (see `band_reason`)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class DomainExplanation:
    """Why a referring domain scores what it scores: its best link's contributions, its flags."""

    domain: str
    quality: float
    band: str
    risk_level: str
    risk_points: int
    links: int
    live_links: int
    hosts: int
    low_confidence: bool
    current: bool
    best_link: LinkExplanation
    contributions: list[Contribution] = field(default_factory=list)
    flags: list[FlagEvidence] = field(default_factory=list)
    band_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)

    def counts_text(self, number: Callable[[int], str] = "{:,}".format) -> str:
        """`1,235 links (12 reported lost) from 2 hosts`; `number` writes the numbers."""
        lost = self.links - self.live_links
        text = f"{number(self.links)} {plural(self.links, 'link')}"
        if lost:
            text += (" (all reported lost)" if lost == self.links
                     else f" ({number(lost)} reported lost)")
        return f"{text} from {number(self.hosts)} {plural(self.hosts, 'host')}"


def _row(db: sqlite3.Connection, sql: str, args: tuple[object, ...]) -> dict[str, Any] | None:
    cursor = db.execute(sql, args)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def explain_link(db: sqlite3.Connection, link_id: int) -> LinkExplanation | None:
    """Explain a scored link; None if there is no such link or it has not been scored."""
    stored = _row(db, "SELECT * FROM link_scores WHERE link_id = ?", (link_id,))
    if stored is None:
        return None
    context = _context(db, link_id)
    model = context.model
    terms = contribution_sql(model)
    effects = db.execute(
        f"SELECT {', '.join(sql for _, sql in terms)} FROM link_features AS f "
        f"WHERE f.link_id = ?",
        (link_id,),
    ).fetchone()
    base = model.weight_tenths("base")
    contributions = [Contribution("base", "a typical link, every signal neutral", 0.0, base / 10)]
    for (name, _), effect in zip(terms, effects, strict=True):
        text = evidence.SIGNAL_EVIDENCE[name](context)
        contributions.append(Contribution(name, text, context.value[name] / 1000, effect / 10))
    total = base + sum(effects)
    if not 0 <= total <= SCORE_MAX:
        bounded = max(0, min(SCORE_MAX, total))
        contributions.append(Contribution("bounds", "scores stay within 0-100", 0.0,
                                          (bounded - total) / 10))
    flags = _link_flags(db, context, stored["flags"])
    link = context.link
    return LinkExplanation(
        link_id, link["source_url"], link["target_url"], link["domain"], link["anchor"],
        ANCHOR_CLASSES[stored["anchor_class"]], stored["quality"], BANDS[stored["band"]],
        RISK_LEVELS[stored["risk_level"]], stored["risk_points"], context.value["confidence"],
        bool(stored["low_confidence"]), scores_current(db), contributions, flags,
        band_reason(model, stored["band"], stored["quality"], stored["risk_points"]),
    )


def explain_domain(db: sqlite3.Connection, domain: str) -> DomainExplanation | None:
    """Explain a scored referring domain (as stored in `links.domain`); None if unknown."""
    row = _row(db, "SELECT * FROM domain_scores WHERE domain = ?", (domain,))
    if row is None or row["best_link_id"] is None:
        return None
    best = explain_link(db, row["best_link_id"])
    assert best is not None
    model = load_model(db)
    context = _context(db, row["best_link_id"])
    flags = []
    for name in flag_names(row["flags"]):
        if name in DOMAIN_FLAGS:
            text = evidence.flag_evidence(name, context, lambda _: _sites(db, domain, model))
        else:
            text = _shared_flag_evidence(db, row, name)
        flags.append(FlagEvidence(name, int(model.flag_points[name]), text))
    # The host names the Referring domains table counts (www. is a host of its own there).
    hosts = db.execute("SELECT hosts FROM referring_domains WHERE domain = ?",
                       (domain,)).fetchone()
    return DomainExplanation(
        domain, row["quality"], BANDS[row["band"]], RISK_LEVELS[row["risk_level"]],
        row["risk_points"], row["links"], row["live_links"], hosts[0] if hosts else row["hosts"],
        bool(row["low_confidence"]), best.current, best, best.contributions, flags,
        band_reason(model, row["band"], row["quality"], row["risk_points"]),
    )


def band_reason(model: Model, band: int, quality: float, risk_points: int) -> str:
    """Why a link or domain has its band, in one line to show beside its score.

    The band is risky from a risk level on, whatever the quality; else the quality decides.
    So two links of quality 0.0 can read "weak" (few risk points) and "risky" (many).
    """
    thresholds = model.thresholds
    level = RISK_LEVELS[model.risk_level(risk_points)]
    risky_level = model.risky_level()
    risky_name = RISK_LEVELS[risky_level]
    threshold = risky_points_of(model)
    points = f"{risk_points} risk point{'s' if risk_points != 1 else ''}"
    if BANDS[band] == "risky":
        return (f"risky: risk {level} ({points}; {threshold} or more make it "
                f"{risky_name}), whatever the quality")
    strong, fair = float(thresholds["strong"]), float(thresholds["fair"])
    if quality >= strong:
        reading = f"quality {quality:.1f} is {strong:g} or more"
    elif quality >= fair:
        reading = f"quality {quality:.1f} is from {fair:g} to under {strong:g}"
    else:
        reading = f"quality {quality:.1f} is under {fair:g}"
    return (f"{BANDS[band]}: {reading}; risk {level} ({points}, under the {threshold} "
            f"that make it risky)")


def find_link(db: sqlite3.Connection, source_url: str) -> list[int]:
    """Ids of the links from a source URL (normalised as imports normalise it)."""
    from linkdesk.core import urls

    normalized = urls.normalize_url(source_url)
    url = normalized[0] if normalized else source_url
    return [row[0] for row in db.execute(
        "SELECT id FROM links WHERE source_url = ? ORDER BY id", (url,)
    )]


def _context(db: sqlite3.Connection, link_id: int) -> evidence.LinkContext:
    model = load_model(db)
    link = _row(db, "SELECT * FROM links WHERE id = ?", (link_id,))
    values = _row(db, "SELECT * FROM link_features WHERE link_id = ?", (link_id,))
    assert link is not None and values is not None
    domain = _row(db, "SELECT * FROM domain_scores WHERE id = ?", (values["domain_id"],))
    assert domain is not None
    metrics = _row(
        db,
        "SELECT max(domain_rating) AS domain_rating, max(trust_flow) AS trust_flow, "
        "max(citation_flow) AS citation_flow, max(domain_authority) AS domain_authority, "
        "max(domain_traffic) AS domain_traffic FROM links WHERE domain = ?",
        (link["domain"],),
    ) or {}
    if domain["platform"]:
        site_links, top = db.execute(
            "SELECT coalesce(sum(n), 0), coalesce(max(n), 0) FROM (SELECT count(*) AS n "
            "FROM links WHERE domain = ? AND source_host = ? GROUP BY target_url)",
            (link["domain"], link["source_host"]),
        ).fetchone()
    else:
        site_links, top = domain["links"], domain["top_target_links"]
    as_of = read_state(db).get("features", {}).get("as_of")
    return evidence.LinkContext(
        link, domain, metrics, site_links, top, model,
        datetime.date.fromisoformat(as_of) if as_of else None, values,
        _sites(db, link["domain"], model),
    )


def _link_flags(
    db: sqlite3.Connection, context: evidence.LinkContext, bits: int
) -> list[FlagEvidence]:
    link = context.link

    def count_domains(flag: str) -> int:
        if flag == "many_sites":
            return _sites(db, link["domain"], context.model)
        if flag == "network_title":
            sql, key = "SELECT count(DISTINCT domain) FROM links WHERE title = ?", link["title"]
        else:
            sql = f"SELECT count(DISTINCT domain) FROM links AS l WHERE {PATH_SQL} = ?"
            key = evidence.path_of(link["source_url"])
        return int(db.execute(sql, (key,)).fetchone()[0])

    return [
        FlagEvidence(name, int(context.model.flag_points[name]),
                     evidence.flag_evidence(name, context, count_domains))
        for name in flag_names(bits)
    ]


def _sites(db: sqlite3.Connection, domain: str, model: Model) -> int:
    return target_sites(db, domain, own=client_sites(model)).get(domain, 0)


def _shared_flag_evidence(db: sqlite3.Connection, domain: dict[str, Any], flag: str) -> str:
    """A per-link flag the domain has: on how many of its links, and one example."""
    flagged, example = db.execute(
        f"SELECT count(*), min(link_id) FROM link_features WHERE domain_id = ? "
        f"AND flags & {BIT[flag]}",
        (domain["id"],),
    ).fetchone()
    text = f"on {flagged:,} of {domain['links']:,} links"
    if example is not None:
        context = _context(db, example)
        explained = _link_flags(db, context, BIT[flag])
        if explained:
            text += f" (e.g. {explained[0].evidence})"
    return text


__all__ = [
    "Contribution",
    "DomainExplanation",
    "FlagEvidence",
    "LinkExplanation",
    "explain_domain",
    "explain_link",
    "find_link",
]

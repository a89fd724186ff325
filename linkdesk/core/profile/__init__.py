"""The dashboard's numbers: the profile's balance of quality against quantity.

Pure Python, SQL and numpy (no Qt), one module per chart family. A `Scope` (scope.py) is
the links and domains the table filters let through; two passes read them, one packed
integer pair a domain (quality.py `domain_points`) and a link (links.py `link_facts`), and
every chart is counted from those arrays: small dataclasses and arrays come back, never a
Python object per link.

    scope = materialize(db, make_scope(db, filters))
    facts = link_facts(db, scope)     the links in scope, one pass (links.py)
    points = domain_points(db, scope) the domains in scope, one pass; .scored(): the map
    link_quality_histogram(facts) / domain_quality_histogram(points)
    rel_counts(facts) / tld_counts    attributes.py
    anchor_mix(db, scope, facts)      anchors.py
    balance(db, scope, facts, points) balance.py (headline figures and plain-words hints)
    velocity(facts, points)           velocity.py
    profile_sections(db, filters)     all of them, section by section (report.py)
"""

from linkdesk.core.profile.anchors import CLASS_LABELS, AnchorMix, anchor_mix
from linkdesk.core.profile.attributes import RelCounts, TldCounts, rel_counts, tld_counts
from linkdesk.core.profile.balance import (
    DASHBOARD_HINTS,
    Balance,
    Concentration,
    Hint,
    balance,
    hint_facts,
    hint_words,
    hints,
)
from linkdesk.core.profile.links import LinkFacts, link_facts
from linkdesk.core.profile.quality import (
    BUCKET_POINTS,
    BUCKETS,
    DomainPoints,
    DomainSummary,
    QualityHistogram,
    domain_points,
    domain_quality_histogram,
    domain_summary,
    link_quality_histogram,
)
from linkdesk.core.profile.report import (
    SECTIONS,
    Attributes,
    ProfileReport,
    Quality,
    ReportCancelled,
    build_report,
    profile_sections,
)
from linkdesk.core.profile.scope import (
    BAND_SLOTS,
    MARKED_DOMAIN_SQL,
    NOT_SCORED,
    Scope,
    make_scope,
    materialize,
)
from linkdesk.core.profile.velocity import Velocity, velocity

__all__ = [
    "BAND_SLOTS",
    "BUCKETS",
    "BUCKET_POINTS",
    "CLASS_LABELS",
    "DASHBOARD_HINTS",
    "MARKED_DOMAIN_SQL",
    "NOT_SCORED",
    "SECTIONS",
    "AnchorMix",
    "Attributes",
    "Balance",
    "Concentration",
    "DomainPoints",
    "DomainSummary",
    "Hint",
    "LinkFacts",
    "ProfileReport",
    "Quality",
    "QualityHistogram",
    "RelCounts",
    "ReportCancelled",
    "Scope",
    "TldCounts",
    "Velocity",
    "anchor_mix",
    "balance",
    "build_report",
    "domain_points",
    "domain_quality_histogram",
    "domain_summary",
    "hint_facts",
    "hint_words",
    "hints",
    "link_facts",
    "link_quality_histogram",
    "make_scope",
    "materialize",
    "profile_sections",
    "rel_counts",
    "tld_counts",
    "velocity",
]

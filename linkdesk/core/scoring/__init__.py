"""Quality scores, risk flags and anchor classes of a project's links and referring domains.

    rescore(db)                      compute and store every score (see engine.py)
    explain_link(db, link_id)        the contributions and flags behind a link's score
    explain_domain(db, domain)       the same for a referring domain
    load_model(db) / set_terms / set_overrides   the project's scoring settings

The model is documented in docs/scoring.md. Nothing here imports Qt.
"""

from linkdesk.core.scoring.engine import (
    ScoreCancelled,
    ScoreProgress,
    ScoreSummary,
    rescore,
    scores_current,
)
from linkdesk.core.scoring.explain import (
    Contribution,
    DomainExplanation,
    FlagEvidence,
    LinkExplanation,
    explain_domain,
    explain_link,
)
from linkdesk.core.scoring.model import (
    ANCHOR_CLASSES,
    BANDS,
    FLAGS,
    RISK_LEVELS,
    SIGNALS,
    Model,
    load_model,
    set_overrides,
    set_terms,
)

__all__ = [
    "ANCHOR_CLASSES",
    "BANDS",
    "FLAGS",
    "RISK_LEVELS",
    "SIGNALS",
    "Contribution",
    "DomainExplanation",
    "FlagEvidence",
    "LinkExplanation",
    "Model",
    "ScoreCancelled",
    "ScoreProgress",
    "ScoreSummary",
    "explain_domain",
    "explain_link",
    "load_model",
    "rescore",
    "scores_current",
    "set_overrides",
    "set_terms",
]

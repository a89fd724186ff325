"""benchmarks/bench_labels.py's measures: the AUC and the precision among the worst ranked."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_labels import auc, precision


def test_precision_among_the_worst_counts_ties_as_their_expected_share() -> None:
    # Two domains rank worst alone (one listed); then a tie of four (two listed) across the cut.
    ranks = {"a.com": 3000, "b.com": 3000.5, "c.com": 2000, "d.com": 2000, "e.com": 2000,
             "f.com": 2000, "g.com": 10}
    listed = {"b.com", "c.com", "f.com"}
    rows = {domain: {"rank": rank} for domain, rank in ranks.items()}
    for order in (sorted(ranks), sorted(ranks, reverse=True)):
        ranked = sorted(order, key=lambda d: -ranks[d])  # ties in either order
        # 1 of the first 2, then 2 places among 4 tied domains of which half are listed.
        assert precision(ranked, rows, listed, 4) == (1 + 2 * 0.5) / 4
        assert precision(ranked, rows, listed, 2) == 0.5
        assert precision(ranked, rows, listed, 7) == 3 / 7


def test_auc_counts_ties_half() -> None:
    assert auc([3.0, 2.0], [1.0, 0.0]) == 1.0
    assert auc([1.0], [1.0]) == 0.5

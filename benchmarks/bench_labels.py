"""Measure the scores against human disavow lists: does the ranking put listed domains worst?

    python benchmarks/bench_labels.py CORPUS_DIR LABELS... [--project P] [--misses N]
    python benchmarks/bench_labels.py --generated [--rows N]

CORPUS_DIR holds vendor exports (e.g. the 273 real Semrush files); they are imported into a
fresh project in a temporary folder, or into `--project P` when P does not exist yet (an
existing P is reused as it is, re-scored only if its scores are out of date). Each LABELS file
is a disavow list (`domain:` lines and URLs, `#` comments); an entry counts when its host,
without a leading `www.`, is its own registered domain (Public Suffix List with the private
section, the project's offline copy), so `foo.blogspot.com` counts and `www.bar.com/x` counts
as `bar.com`, but `sub.bar.com` does not label `bar.com`.

For each list, their union, and the corpus split in two halves by target site (alternate
target sites in name order; a referring domain linking to both halves is in both), it prints:
the AUC of the domain ranking (risk level first, then quality, as the window sorts), of quality
alone and of risk points alone; the share of listed domains among the 100 and 500 worst
ranked (expected over the orders of equal ranks); a per-signal table (each domain's mean
signal value, as an AUC) and a per-flag table (share of listed and unlisted domains with the
flag, lift); the same AUC for the vendors' metrics (mean and best per domain); and the worst
misses with their explanations.

`--generated` measures the same ranking AUC on a generated profile (tests/exportgen.py): the
spam domains against the editorial ones (the check must stay at 0.98 or above).

AUC here is the probability that a listed domain ranks worse than an unlisted one (ties count
half): 0.5 is chance, 1.0 perfect. Nothing is downloaded; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from linkdesk.core import urls  # noqa: E402
from linkdesk.core.scoring import FLAGS, SIGNALS, explain_domain, rescore, scores_current  # noqa: E402
from linkdesk.core.scoring.flags import BIT  # noqa: E402
from linkdesk.core.store import Project  # noqa: E402

VENDOR_METRICS = (
    "page_ascore", "domain_rating", "url_rating", "trust_flow", "citation_flow",
    "domain_authority", "page_authority", "domain_traffic", "page_traffic", "external_links",
    "internal_links",
)


# -- labels ------------------------------------------------------------------------------------


def label_host(line: str) -> str | None:
    """The registered domain a disavow line names, or None (comment, blank, or a subdomain)."""
    text = line.split("#", 1)[0].strip().lower()
    if not text:
        return None
    if text.startswith("domain:"):
        text = text[7:].strip()
    if "://" in text:
        text = text.split("://", 1)[1]
    host = text.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0].strip(".")
    if host.startswith("www."):
        host = host[4:]
    if not host:
        return None
    host = urls.to_ascii_host(host)
    return host if urls.registered_domain(host) == host else None


def read_labels(path: Path) -> set[str]:
    """The registered domains a disavow file lists."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        return {host for line in handle if (host := label_host(line))}


# -- measures ----------------------------------------------------------------------------------


def auc(bad: Sequence[float], good: Sequence[float]) -> float | None:
    """P(a bad item's badness > a good item's), ties half (Mann-Whitney, by ranks)."""
    if not bad or not good:
        return None
    values = sorted([(v, 1) for v in bad] + [(v, 0) for v in good])
    rank_sum, i = 0.0, 0
    while i < len(values):
        j = i
        while j < len(values) and values[j][0] == values[i][0]:
            j += 1
        average = (i + j + 1) / 2  # ranks i+1 .. j
        rank_sum += average * sum(flag for _, flag in values[i:j])
        i = j
    n_bad, n_good = len(bad), len(good)
    return (rank_sum - n_bad * (n_bad + 1) / 2) / (n_bad * n_good)


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


class Domains:
    """Per referring domain: its scores, flags, mean signal values and vendor metrics."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.rows: dict[str, dict[str, float | None]] = {}
        for domain, quality, level, points, flags in db.execute(
            "SELECT domain, quality, risk_level, risk_points, flags FROM domain_scores"
        ):
            self.rows[domain] = {
                "quality": quality, "risk_level": level, "risk_points": points, "flags": flags,
                # risk level first, then quality: the window's order, worst first
                "rank": level * 1000 + (100 - (quality or 0)),
            }
        means = ", ".join(f"avg(f.{name})" for name in SIGNALS)
        for domain, *values in db.execute(
            f"SELECT d.domain, {means} FROM link_features AS f "
            f"JOIN domain_scores AS d ON d.id = f.domain_id GROUP BY f.domain_id"
        ):
            self.rows[domain].update(
                {f"signal:{name}": value for name, value in zip(SIGNALS, values, strict=True)}
            )
        metrics = ", ".join(f"avg({m}), max({m})" for m in VENDOR_METRICS)
        for domain, *values in db.execute(
            f"SELECT domain, {metrics} FROM links GROUP BY domain"
        ):
            row = self.rows[domain]
            for index, metric in enumerate(VENDOR_METRICS):
                row[f"mean {metric}"] = values[2 * index]
                row[f"max {metric}"] = values[2 * index + 1]
        self.targets: dict[str, set[str]] = {}
        for domain, target in db.execute("SELECT DISTINCT domain, target_url FROM links"):
            host = target.split("/")[2] if target.count("/") >= 2 else target
            site = urls.registered_domain(host.split(":")[0])
            self.targets.setdefault(site, set()).add(domain)

    def halves(self) -> tuple[set[str], set[str]]:
        """Referring domains of alternate target sites (in name order)."""
        sites = sorted(self.targets)
        first = set().union(*(self.targets[s] for s in sites[0::2]))
        second = set().union(*(self.targets[s] for s in sites[1::2]))
        return first, second


def report(domains: Domains, name: str, listed: set[str], scope: set[str], misses: int) -> None:
    """Print every figure for one label set within one set of referring domains."""
    rows = domains.rows
    bad = [d for d in scope if d in listed]
    good = [d for d in scope if d not in listed]
    print(f"\n=== {name}: {len(bad):,} listed of {len(scope):,} referring domains ===")
    if not bad:
        return

    def area(key: str, sign: float = 1.0) -> float | None:
        b = [sign * rows[d][key] for d in bad if rows[d].get(key) is not None]
        g = [sign * rows[d][key] for d in good if rows[d].get(key) is not None]
        return auc(b, g)

    # Worst first; equal ranks in name order, so the misses print the same on every run.
    ranked = sorted(scope, key=lambda d: (-rows[d]["rank"], d))
    print(f"AUC ranking (risk, then quality) {_fmt(area('rank'))}   "
          f"quality alone {_fmt(area('quality', -1))}   risk points alone "
          f"{_fmt(area('risk_points'))}")
    for top in (100, 500):
        print(f"precision among the {top} worst ranked: "
              f"{precision(ranked, rows, listed, top):.3f}  "
              f"(base rate {len(bad) / len(scope):.3f})")
    print("signal (domain mean)  AUC (low value = worse)  listed mean  unlisted mean")
    for signal in SIGNALS:
        key = f"signal:{signal}"
        values_b = [rows[d][key] for d in bad if rows[d].get(key) is not None]
        values_g = [rows[d][key] for d in good if rows[d].get(key) is not None]
        if not values_b or not values_g:
            continue
        print(f"  {signal:<18} {_fmt(area(key, -1))}  {sum(values_b) / len(values_b):8.0f}  "
              f"{sum(values_g) / len(values_g):8.0f}")
    print("flag                 listed  unlisted  lift")
    for flag in FLAGS:
        share_b = sum(bool(rows[d]["flags"] & BIT[flag]) for d in bad) / len(bad)
        share_g = sum(bool(rows[d]["flags"] & BIT[flag]) for d in good) / len(good)
        if share_b or share_g:
            lift = f"{share_b / share_g:5.2f}" if share_g else "  inf"
            print(f"  {flag:<18} {share_b:6.1%}  {share_g:8.1%}  {lift}")
    print("vendor metric (reference)  AUC (low = worse)  known for listed/unlisted")
    for metric in VENDOR_METRICS:
        for how in ("mean", "max"):
            key = f"{how} {metric}"
            known_b = sum(rows[d].get(key) is not None for d in bad)
            known_g = sum(rows[d].get(key) is not None for d in good)
            if known_b and known_g:
                print(f"  {key:<26} {_fmt(area(key, -1))}  {known_b:,}/{known_g:,}")
    if misses:
        print("worst misses: listed domains ranked best")
        for domain in [d for d in reversed(ranked) if d in listed][:misses]:
            print("  " + one_line(domains.db, domain))
        print("worst misses: unlisted domains ranked worst")
        for domain in [d for d in ranked if d not in listed][:misses]:
            print("  " + one_line(domains.db, domain))


def precision(
    ranked: Sequence[str], rows: dict[str, dict[str, float | None]], listed: set[str], top: int
) -> float:
    """The share of listed domains among the `top` worst ranked, expected over the orders of
    equal ranks (many domains tie at the highest risk level with quality 0: which of them fall
    inside the cut would otherwise be chance, and differ from run to run)."""
    hits = 0.0
    taken = 0
    index = 0
    while taken < top and index < len(ranked):
        rank = rows[ranked[index]]["rank"]
        end = index
        while end < len(ranked) and rows[ranked[end]]["rank"] == rank:
            end += 1
        group = ranked[index:end]
        room = min(len(group), top - taken)
        hits += room * sum(d in listed for d in group) / len(group)
        taken += room
        index = end
    return hits / top


def one_line(db: sqlite3.Connection, domain: str) -> str:
    """A domain's score and the main reasons for it, on one line."""
    found = explain_domain(db, domain)
    if found is None:
        return f"{domain}: not scored"
    effects = sorted(
        (c for c in found.contributions if c.signal != "base" and c.effect),
        key=lambda c: -abs(c.effect),
    )[:3]
    parts = [f"{c.signal} {c.effect:+.1f} ({c.evidence})" for c in effects]
    parts += [f"[{f.flag}: {f.evidence}]" for f in found.flags]
    return (f"{domain}: {found.quality:.1f} {found.band}/{found.risk_level}, {found.links} "
            f"links; " + "; ".join(parts))


# -- projects ----------------------------------------------------------------------------------


def import_corpus(project: Path, corpus: Path) -> None:
    """Import every export in a folder into a new project (the CLI, as a user would)."""
    files = sorted(str(p) for p in corpus.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
    if not files:
        raise SystemExit(f"{corpus}: no .csv or .xlsx exports")
    print(f"importing {len(files)} files into {project} ...", flush=True)
    subprocess.run([sys.executable, "-m", "linkdesk.cli", "import", str(project), *files,
                    "--quiet", "--no-score"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def evaluate(project: Path, label_files: Iterable[Path], misses: int) -> None:
    """Score the project if needed and print every figure."""
    lists = {path.name: read_labels(path) for path in label_files}
    with Project.open(project) as opened:
        db = opened.db
        if not scores_current(db):
            summary = rescore(db)
            print(f"scored {summary.links:,} links in {summary.seconds:.1f} s")
        domains = Domains(db)
        everything = set(domains.rows)
        first, second = domains.halves()
        union = set().union(*lists.values())
        print(f"{len(everything):,} referring domains; halves {len(first):,} / {len(second):,}")
        for name, listed in lists.items():
            report(domains, name, listed, everything, misses)
        if len(lists) > 1:
            report(domains, "all lists", union, everything, misses)
        for index, half in enumerate((first, second), start=1):
            for name, listed in lists.items():
                report(domains, f"half {index}, {name}", listed, half, 0)


def generated_auc(rows: int) -> None:
    """The ranking AUC of spam against editorial domains on a generated Ahrefs profile."""
    from exportgen import make_profile, write_ahrefs
    from test_scoring_profile import SITE, kind_of

    from linkdesk.core.importers.pipeline import ImportOptions, import_file

    with tempfile.TemporaryDirectory() as folder:
        records = list(make_profile(rows, site=SITE, seed=0))
        write_ahrefs(Path(folder) / "a.csv", records)
        kinds: dict[str, str] = {}
        for record in records:
            host = urls.normalize_url(record.source_url)[1]  # type: ignore[index]
            kinds[urls.registered_domain(host)] = kind_of(record)
        with Project.open(Path(folder) / "p.linkdesk") as project:
            import_file(project, Path(folder) / "a.csv", ImportOptions(site=SITE))
            rescore(project.db)
            domains = Domains(project.db)
        rank = {d: r["rank"] for d, r in domains.rows.items()}
        spam = [rank[d] for d, kind in kinds.items() if kind == "spam" and d in rank]
        editorial = [rank[d] for d, kind in kinds.items() if kind == "editorial" and d in rank]
        print(f"generated {rows:,} links: spam {len(spam)} vs editorial {len(editorial)} "
              f"domains, ranking AUC {_fmt(auc(spam, editorial))}")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments and run the evaluation."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, help="folder of vendor exports")
    parser.add_argument("labels", nargs="*", type=Path, help="disavow files")
    parser.add_argument("--project", type=Path, help="import into / reuse this project")
    parser.add_argument("--misses", type=int, default=8, help="misses shown per side")
    parser.add_argument("--generated", action="store_true", help="the generated-data check")
    parser.add_argument("--rows", type=int, default=3000, help="rows for --generated")
    args = parser.parse_args(argv)
    if args.generated:
        generated_auc(args.rows)
        return
    if args.corpus is None or not args.labels:
        parser.error("give CORPUS_DIR and at least one LABELS file (or --generated)")
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: not a folder of exports")
    for path in args.labels:
        if not path.is_file():
            parser.error(f"{path}: no such label file")
    if args.project is not None:
        if not args.project.exists():
            import_corpus(args.project, args.corpus)
        evaluate(args.project, args.labels, args.misses)
        return
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "labels.linkdesk"
        import_corpus(project, args.corpus)
        evaluate(project, args.labels, args.misses)


if __name__ == "__main__":
    main()

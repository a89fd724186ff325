"""A wide profile (about one referring domain per link, as a negative-SEO attack of throw-away
domains makes): the per-domain hot paths of import and scoring give exactly what the plain
per-value code gives, and scoring streams its domains instead of holding them all."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
import tracemalloc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import idna
import pytest
from exportgen import LinkRecord, make_profile, write_ahrefs

from linkdesk.core import urls
from linkdesk.core.importers.pipeline import ImportOptions, import_file
from linkdesk.core.platforms import platforms
from linkdesk.core.scoring import features as features_module
from linkdesk.core.scoring import flags, load_model, rescore, signals
from linkdesk.core.scoring.features import DomainRows
from linkdesk.core.scoring.matching import target_host
from linkdesk.core.scoring.model import Model
from linkdesk.core.scoring.words import PLATFORM_DOMAINS
from linkdesk.core.store import Project

SITE = "acme-widgets.com"
LINKS = 20_000
WIDE = 0.994  # benchmarks/generate_export.py --shape wide

# Hosts where the Public Suffix List's rules differ: two-level and private suffixes, `*`
# wildcards and `!` exceptions, punycode (valid and not), IP addresses, suffixes alone.
EDGE_HOSTS = (
    "www.bbc.co.uk", "co.uk", "foo.blogspot.com", "blogspot.com", "a.b.ck", "b.ck", "www.ck",
    "x.www.ck", "xn--p1ai", "xn--e1afmkfd.xn--p1ai", "www.xn--e1afmkfd.xn--p1ai", "localhost",
    "foo.123", "1.2.3.4", "[2001:db8::1]", "foo.bar.kawasaki.jp", "city.kawasaki.jp",
    "x.city.kawasaki.jp", "a.b.s3.amazonaws.com", "xn--zz.com", "foo.xn--zz", "_dmarc.example.com",
    "a-b.c-d.de", "com", "user.github.io", "WWW.Example.COM", "example.com.", "xn--bcher-kva.de",
)
# Authorities as URLs give them: ports, user info, case, trailing dots, numeric labels.
EDGE_AUTHORITIES = (
    "example.com", "Example.com", "example.com.", "example.com:443", "example.com:8080",
    "user@example.com", "foo.0xab", "1.2.3.4", "1.2.3", "a..b", "-a.com", "a-.com",
    "x" * 64 + ".com", "a_b.example.com", "xn--bcher-kva.de", "xn--bad-.com", "bücher.de",
    "[::1]", "host:port", "127.0.0.1:80", "a.b.c.d.e.f.example.co.uk", " example.com",
)


def tldextract_domain(host: str) -> str:
    """The registered domain as tldextract finds it: the code the short path replaces."""
    if urls.is_ip_host(host):
        return host
    parts = urls._EXTRACT(host)
    return f"{parts.domain}.{parts.suffix}" if parts.suffix and parts.domain else host


def checked_authority(scheme: str, authority: str) -> tuple[str, str]:
    """`urls._normalize_authority` through the full checks alone (its code before the short
    path for plain hosts)."""
    userinfo, at, hostport = authority.rpartition("@")
    host, port = urls._split_host_port(hostport)
    host = urls.to_ascii_host(host)
    if not host or (port and not port.isdigit()):
        return "", ""
    netloc = f"{host}:{port}" if port and port != {"http": "80", "https": "443"}[scheme] else host
    return (f"{userinfo}@{netloc}" if at else netloc), host


def wide_records() -> Iterator[LinkRecord]:
    """A wide profile whose links also point at the site's other hosts and a second site, so
    that domains with several hosts, target hosts and sites occur."""
    for number, record in enumerate(make_profile(LINKS, site=SITE, seed=11, single_share=WIDE)):
        path = record.target_url.split("/", 3)[3]
        if number % 7 == 3:
            record = dataclasses.replace(record, target_url=f"http://www.{SITE}/{path}")
        elif number % 11 == 5:
            record = dataclasses.replace(record, target_url=f"https://other-shop.co.uk/{path}")
        yield record


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the wide profile imported, not scored."""
    folder = tmp_path_factory.mktemp("wide")
    write_ahrefs(folder / "ahrefs.csv", wide_records())
    path = folder / "wide.linkdesk"
    with Project.open(path) as project:
        import_file(project, folder / "ahrefs.csv", ImportOptions(site=SITE))
    return path


def test_registered_domains_are_tldextracts(wide: Path) -> None:
    with Project.open(wide) as project:
        rows = project.db.execute("SELECT source_host, domain FROM links ORDER BY id").fetchall()
    hosts, stored = [row[0] for row in rows], [row[1] for row in rows]
    assert len(set(stored)) > 0.85 * LINKS  # wide indeed
    hosts += EDGE_HOSTS
    expected = [tldextract_domain(host) for host in hosts]
    assert urls.registered_domains(hosts) == expected
    assert [urls.registered_domain(host) for host in hosts] == expected
    assert stored == expected[: len(stored)]  # what the import wrote


def test_plain_hosts_normalise_as_the_full_checks_do(wide: Path) -> None:
    with Project.open(wide) as project:
        authorities = [row[0] for row in project.db.execute("SELECT source_host FROM links")]
    for authority in (*authorities, *EDGE_AUTHORITIES):
        for scheme in ("http", "https"):
            found = urls._normalize_authority.__wrapped__(scheme, authority)
            assert found == checked_authority(scheme, authority), authority


def rule_hosts() -> list[str]:
    """Hosts at and around every Public Suffix List rule tldextract has (private ones too):
    the rule alone, under one and two labels, its `*` filled in, its `!` exception, its
    Unicode labels in punycode, plus labels LDH allows (digits, `_`, `xn--`, 63 characters)."""
    prefixes = ("", "a.", "b.a.", "www.", "city.", "x_y.", "1.", "xn--80ak6aa92e.", "xn--zz.",
                "c" * 63 + ".")
    fills = ("w", "www", "x-1", "xn--p1ai", "city")
    hosts = set()
    for number, rule in enumerate(urls._EXTRACT.tlds):
        base = rule.lstrip("!").replace("*", fills[number % len(fills)])
        try:
            base = idna.encode(base, uts46=True).decode("ascii")
        except idna.IDNAError:
            continue
        hosts.update(prefix + base for prefix in prefixes)
    return sorted(hosts)


def test_every_public_suffix_rule_gives_tldextracts_registered_domain() -> None:
    hosts = rule_hosts()
    assert len(hosts) > 50_000
    expected = [tldextract_domain(host) for host in hosts]
    assert urls.registered_domains(hosts) == expected


def test_generated_authorities_normalise_as_the_full_checks_do() -> None:
    """Random authorities of the pieces where the short path could go wrong: digits, edge
    hyphens, empty and 64-character labels, ports, user info, `_`, upper case, punycode."""
    rng = random.Random(3)
    pieces = ("xn--", "xn--p1ai", "0x", "1", "-", "_", ".", "..", "a" * 63, "b" * 64, "com",
              ":80", ":443", ":8080", "@", "u:p@", "Ex", "ß", " ", "[::1]")
    letters = "abz09-_.AZ:@x"
    for _ in range(30_000):
        authority = "".join(
            rng.choice(pieces) if rng.random() < 0.3
            else "".join(rng.choices(letters, k=rng.randint(1, 5)))
            for _ in range(rng.randint(1, 6))
        )
        for scheme in ("http", "https"):
            found = urls._normalize_authority.__wrapped__(scheme, authority)
            assert found == checked_authority(scheme, authority), authority


def test_normalising_a_wide_profiles_hosts_keeps_little_memory() -> None:
    """Each staging process normalises every URL: a million distinct hosts must not pile up
    in its caches (before: 65,536 of them kept, 19 MB per process)."""
    tracemalloc.start()
    try:
        for number in range(50_000):
            urls.normalize_url(f"https://www.some-place{number}.co.uk/blog/an-article-{number}")
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert kept < 5_000_000


class SiteCounts(NamedTuple):
    """A referring domain's counts and best metrics, as these tests name them (the fields of
    features.DomainFacts after the domain)."""

    links: int
    live: int
    hosts: int
    top_target_links: int  # links to the page it links to most
    metrics: dict[str, float | None]
    sites: int = 1  # distinct sites of the project it links to


def domain_counts(db: sqlite3.Connection) -> Iterator[tuple[str, SiteCounts]]:
    """What scoring streams per domain (features._domain_facts), as `SiteCounts`."""
    for domain, links, live, hosts, top, values, sites in features_module._domain_facts(
            db, False, frozenset()):
        metrics = dict(zip(features_module._METRICS, values, strict=True))
        yield domain, SiteCounts(links, live, hosts, top, metrics, sites)


def bits_of(names: Iterable[str]) -> int:
    """The bit set of some flag names, added up one by one."""
    return sum(flags.BIT[name] for name in names)


def reference_counts(db: sqlite3.Connection) -> dict[str, SiteCounts]:
    """Each domain's counts, worked out link by link in plain Python."""
    names = ("domain_rating", "trust_flow", "citation_flow", "domain_authority",
             "domain_traffic")
    links: dict[str, list[tuple]] = defaultdict(list)
    for row in db.execute(
        f"SELECT domain, source_host, target_url, lost, {', '.join(names)} FROM links"
    ):
        links[row[0]].append(row[1:])
    found = {}
    for domain, rows in links.items():
        per_target: dict[str, int] = defaultdict(int)
        for row in rows:
            per_target[row[1]] += 1
        metrics = {
            name: max((row[3 + i] for row in rows if row[3 + i] is not None), default=None)
            for i, name in enumerate(names)
        }
        found[domain] = SiteCounts(
            links=len(rows),
            live=sum(1 - (row[2] or 0) for row in rows),
            hosts=len({row[0].removeprefix("www.") for row in rows}),
            top_target_links=max(per_target.values()),
            metrics=metrics,
            sites=len({urls.registered_domain(target_host(row[1])) for row in rows}),
        )
    return found


def test_streamed_domain_counts_are_the_plain_counts(wide: Path) -> None:
    with Project.open(wide) as project:
        expected = reference_counts(project.db)
        found = dict(domain_counts(project.db))
    assert found == expected
    assert list(found) == sorted(found)  # the order domain ids are given in, as before
    several = [site for site in found.values() if site.hosts > 1 and site.sites > 1]
    assert several  # the slow paths ran
    assert any(site.sites == 1 and site.links > 1 for site in found.values())


def two_level_counts(db: sqlite3.Connection) -> list[tuple[object, ...]]:
    """Each domain's counts as one SQL statement sums them (a second GROUP BY: the code that
    `_domain_facts` replaces by summing a domain's rows in Python)."""
    names = features_module._METRICS
    host, root = features_module._HOST_SQL, features_module._ROOT_SQL
    return db.execute(
        f"SELECT domain, sum(n), sum(live), max(n), min(first_host), max(last_host), "
        f"{', '.join(f'max({name})' for name in names)}, json_group_array(root) "
        f"FROM (SELECT domain, count(*) AS n, sum(1 - coalesce(lost, 0)) AS live, "
        f"min({host}) AS first_host, max({host}) AS last_host, "
        f"{', '.join(f'max({name}) AS {name}' for name in names)}, {root} AS root "
        f"FROM links GROUP BY domain, target_url) GROUP BY domain ORDER BY domain"
    ).fetchall()


def test_domain_facts_sum_up_as_sql_does(wide: Path, tmp_path: Path) -> None:
    """A domain's pages summed in Python give SQL's sums and maxima, also for metrics SQL
    orders its own way: text a REAL column kept, numbers, NULLs."""
    copy = tmp_path / "odd.linkdesk"
    copy.write_bytes(wide.read_bytes())
    with Project.open(copy) as project:
        db = project.db
        several = [row[0] for row in db.execute(
            "SELECT domain FROM links GROUP BY domain HAVING count(DISTINCT target_url) > 1 "
            "ORDER BY domain LIMIT 40"
        )]
        odd = ("n/a", "100", -5, None, 7.5, "zz", "Ä", 1e9, 0)
        for number, domain in enumerate(several):
            ids = [row[0] for row in db.execute(
                "SELECT id FROM links WHERE domain = ? ORDER BY id", (domain,))]
            for offset, link_id in enumerate(ids):
                value = odd[(number + offset) % len(odd)]
                db.execute("UPDATE links SET domain_rating = ?, domain_traffic = ? "
                           "WHERE id = ?", (value, odd[(number * offset) % len(odd)], link_id))
        expected = two_level_counts(db)
        found = list(features_module._domain_facts(db, False, frozenset()))
    assert len(found) == len(expected) and len(several) == 40
    assert any(isinstance(row[6], str) for row in expected)  # text took part
    for (domain, links, live, hosts, top, values, sites), row in zip(found, expected,
                                                                     strict=True):
        assert (domain, links, live, top, *values) == (*row[:4], *row[6:11])
        assert (hosts > 1) == (row[4] < row[5]) and sites >= 1
    def types(values: tuple[object, ...]) -> list[type]:
        return [type(value) for value in values]
    assert [types(row[5]) for row in found] == [types(row[6:11]) for row in expected]


def test_scoring_stores_the_domain_rows_of_the_plain_counts(wide: Path, tmp_path: Path) -> None:
    copy = tmp_path / "scored.linkdesk"
    copy.write_bytes(wide.read_bytes())
    with Project.open(copy) as project:
        db = project.db
        rescore(db)
        model, large = load_model(db), frozenset(platforms(db))
        expected = [plain_domain_row(domain, site, model, large)[:13]
                    for domain, site in sorted(reference_counts(db).items())]
        stored = db.execute(
            "SELECT domain, links, live_links, hosts, top_target_links, platform, authority, "
            "trust, traffic, country, repetition, footer, scope_flags FROM domain_scores "
            "ORDER BY id"
        ).fetchall()
    assert stored == expected


def test_domain_name_bits_are_the_bits_of_the_name_flags(wide: Path) -> None:
    with Project.open(wide) as project:
        names = [row[0] for row in project.db.execute("SELECT DISTINCT domain FROM links")]
    rng = random.Random(3)
    parts = ("casino", "a", "1", "22", "-", "xn--", "bet", "x" * 20, "ä", "٣", "²", "[", ":")
    made = ["".join(rng.choice(parts) for _ in range(rng.randint(1, 6)))
            + rng.choice((".com", ".xyz", ".top", ".co.uk", "", ".1")) for _ in range(5_000)]
    names += [*EDGE_HOSTS, *EDGE_AUTHORITIES, *made, "192.168.0.1", "::1", "2001:db8::1"]
    found = [flags.domain_name_bits(name) for name in names]
    assert found == [bits_of(flags.domain_name_flags(name)) for name in names]
    assert set(found) >= {flags.BIT[name] for name in flags.DOMAIN_NAME_FLAGS}


def plain_domain_row(
    domain: str, site: SiteCounts, model: Model, large: frozenset[str]
) -> tuple[object, ...]:
    """A domain's facts row with every formula called for it (the code `DomainRows` replaces,
    which works each out once per distinct input)."""
    platform = domain in PLATFORM_DOMAINS
    scope = bits_of(flags.domain_name_flags(domain))
    if not (platform or domain in large) and site.hosts >= model.detection["many_subdomains"]:
        scope |= flags.BIT["many_subdomains"]
    if site.sites >= model.detection["many_sites"]:
        scope |= flags.BIT["many_sites"]
    metrics = site.metrics
    return (
        domain, site.links, site.live, site.hosts, site.top_target_links, int(platform),
        signals.domain_authority(metrics),
        signals.domain_trust(metrics["trust_flow"], metrics["citation_flow"]),
        signals.domain_traffic(metrics["domain_traffic"]),
        signals.domain_country(domain, model),
        signals.site_repetition(site.links, 1 if platform else site.sites),
        int(signals.site_footer(site.links, site.top_target_links, model)),
        scope, scope,
    )


def odd_sites() -> Iterator[tuple[str, SiteCounts]]:
    """Domains and counts whose values repeat, are missing, zero, negative, whole or not,
    on country and generic TLDs and platforms: what the memos of `DomainRows` key on."""
    rng = random.Random(5)
    values = (None, 0, 0.0, -0.0, 1, 1.0, 4.9, 5, 5.0, 12.5, 50, 80.0, 99.9, 100, 1e6, -3)
    names = ("shop.de", "blog.co.uk", "a.com", "x.io", "cheap-pills-4u.ru", "1.2.3.4",
             "wordpress.com", "en.wikipedia.org", "b.fr", "casino123-win.xyz")
    for number in range(3_000):
        name = rng.choice(names)
        links = rng.choice((1, 1, 2, 20, 21, 1000, 5000))
        metrics = {name: rng.choice(values) for name in features_module._METRICS}
        counts = SiteCounts(links, rng.randint(0, links), rng.choice((1, 5, 9)),
                            rng.randint(1, links), metrics, rng.choice((1, 2, 4, 9)))
        yield (name if number % 3 else f"n{number}.{name}"), counts


def test_domain_rows_are_the_plain_rows(wide: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Remembered formula values give the rows each formula gives, also when the memos fill
    up and start again."""
    monkeypatch.setattr(DomainRows, "MEMO_SIZE", 7)
    with Project.open(wide) as project:
        model, large = load_model(project.db), frozenset(platforms(project.db))
        sites = [*domain_counts(project.db), *odd_sites()]
    large |= {"wikipedia.org", "en.wikipedia.org"}
    rows = DomainRows(model, large)
    found = [rows.row(domain, site.links, site.live, site.hosts, site.top_target_links,
                      tuple(site.metrics.values()), site.sites) for domain, site in sites]
    expected = [plain_domain_row(domain, site, model, large) for domain, site in sites]
    assert found == expected
    assert len({row[6:12] for row in expected}) > 100  # many distinct formula values


def test_the_domains_step_streams(wide: Path, tmp_path: Path) -> None:
    """Building the domains' facts holds no list of every domain (a million, in a wide
    profile): its Python memory stays flat however many domains there are."""
    copy = tmp_path / "streamed.linkdesk"
    copy.write_bytes(wide.read_bytes())
    with Project.open(copy) as project:
        db = project.db
        model = load_model(db)
        db.execute("BEGIN")
        tracemalloc.start()
        try:
            features_module._build_domains(db, model)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            db.execute("ROLLBACK")
        domains = db.execute("SELECT count(DISTINCT domain) FROM links").fetchone()[0]
    assert domains > 15_000
    assert peak < 60 * domains  # bytes: far less than one row of every domain held at once


_SCORE_TABLES = ("link_features", "link_scores", "domain_scores", "network_keys")


def _scored_tables(source: Path, copy: Path) -> dict[str, list[tuple[object, ...]]]:
    copy.write_bytes(source.read_bytes())
    with Project.open(copy) as project:
        rescore(project.db)
        return {table: project.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in _SCORE_TABLES}


def test_many_domains_take_their_ids_from_a_join_with_the_same_scores(
    wide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `_DOMAIN_IDS_IN_MEMORY` domains, the page scan reads each link's domain id from
    a join instead of a dict of every domain (memory): the stored scores are the same."""
    with_dict = _scored_tables(wide, tmp_path / "dict.linkdesk")
    monkeypatch.setattr(features_module, "_DOMAIN_IDS_IN_MEMORY", 0)
    joined = _scored_tables(wide, tmp_path / "join.linkdesk")
    assert with_dict["network_keys"] and with_dict["link_features"]
    for table in _SCORE_TABLES:
        assert joined[table] == with_dict[table], table

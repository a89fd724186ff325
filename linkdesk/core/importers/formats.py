"""What each vendor's export looks like: how to recognise its header and map its columns.

Columns are matched by name (case and surrounding spaces ignored), never by position: vendors add,
drop and reorder columns between export dates. A field maps to the first of its candidate
columns present in the file; fields whose columns are all absent stay empty (neutral).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from linkdesk.core.fields import FIELDS, Kind
from linkdesk.core.values import parse_bool, parse_date


@dataclass(frozen=True)
class Column:
    """A field read from one column (the first candidate name present), with its cell kind."""

    names: tuple[str, ...]
    kind: Kind | None = None  # None: the field's own kind from FIELDS


@dataclass(frozen=True)
class Derived:
    """A field computed from the cells of one or more columns.

    Used when a vendor encodes a field indirectly (Ahrefs `Type` = `image`, Semrush
    `Lost link` = true). Every column must be present, or the field stays empty.
    """

    columns: tuple[str, ...]
    compute: Callable[..., object]


def _is(word: str) -> Derived:
    """Column `type`-like cell equals `word` (any case)."""
    return Derived(("type",), lambda cell: int(cell.strip().lower() == word))


def _mentions(column: str, word: str) -> Derived:
    return Derived((column,), lambda cell: int(word in cell.lower()))


def _filled(column: str) -> Derived:
    return Derived((column,), lambda cell: int(bool(cell.strip())))


def _date_if_true(flag_column: str, date_column: str) -> Derived:
    return Derived(
        (flag_column, date_column),
        lambda flag, date: parse_date(date) if parse_bool(flag) else None,
    )


@dataclass(frozen=True)
class ExportFormat:
    """One export layout of one vendor."""

    name: str  # stored with the import, e.g. "ahrefs-backlinks"
    vendor: str
    label: str  # for people: "Ahrefs backlinks (2019 layout)"
    source: tuple[str, ...]  # candidate names of the referring page URL column
    target: tuple[str, ...]  # candidate names of the target URL column
    signature: tuple[tuple[str, ...], ...]  # each group: one of these names must be present
    fields: dict[str, Column | Derived] = field(default_factory=dict)
    mapping: dict[str, str] | None = None  # the user's column mapping this format came from

    def matches(self, names: set[str]) -> bool:
        """True when a header (lower-cased names) carries this format's signature."""
        return all(any(name in names for name in group) for group in self.signature)


def _c(*names: str, kind: Kind | None = None) -> Column:
    return Column(tuple(names), kind)


AHREFS = ExportFormat(
    name="ahrefs-backlinks",
    vendor="ahrefs",
    label="Ahrefs backlinks",
    source=("referring page url",),
    target=("target url",),
    signature=(("referring page url",), ("target url",), ("anchor",)),
    fields={
        "title": _c("referring page title"),
        "anchor": _c("anchor"),
        "language": _c("language"),
        "http_code": _c("referring page http code"),
        "domain_rating": _c("domain rating", "dr"),
        "url_rating": _c("ur", "url rating"),
        "domain_traffic": _c("domain traffic"),
        "page_traffic": _c("page traffic"),
        "external_links": _c("external links"),
        "is_spam": _c("is spam"),
        "nofollow": _c("nofollow"),
        "ugc": _c("ugc"),
        "sponsored": _c("sponsored"),
        "image": _is("image"),
        "redirect": _filled("redirect chain urls"),
        "first_seen": _c("first seen"),
        "last_seen": _c("last seen"),
        "lost_at": _c("lost"),
        "lost": _filled("lost"),
    },
)

AHREFS_2019 = ExportFormat(
    name="ahrefs-backlinks-2019",
    vendor="ahrefs",
    label="Ahrefs backlinks (older layout)",
    source=("referring page url",),
    target=("link url",),
    signature=(("referring page url",), ("link url",)),
    fields={
        "title": _c("referring page title"),
        "anchor": _c("link anchor"),
        "language": _c("language"),
        "domain_rating": _c("domain rating"),
        "url_rating": _c("url rating (desc)", "url rating"),
        "page_traffic": _c("traffic"),
        "external_links": _c("external links count"),
        "internal_links": _c("internal links count"),
        "nofollow": _mentions("type", "nofollow"),
        "ugc": _mentions("type", "ugc"),
        "sponsored": _mentions("type", "sponsored"),
        "image": _mentions("type", "image"),
        "redirect": _mentions("type", "redirect"),
        "first_seen": _c("first seen"),
        "last_seen": _c("last check", "last seen"),
        "lost_at": _c("day lost"),
        "lost": _filled("day lost"),
    },
)

# Columns both Semrush layouts share; the legacy one lacks sponsored, ugc and lost links.
_SEMRUSH_FIELDS: dict[str, Column | Derived] = {
    "title": _c("source title"),
    "anchor": _c("anchor"),
    "external_links": _c("external links"),
    "internal_links": _c("internal links"),
    "nofollow": _c("nofollow"),
    "image": _c("image"),
    "frame": _c("frame"),
    "form": _c("form"),
    "sitewide": _c("sitewide"),
    "first_seen": _c("first seen"),
    "last_seen": _c("last seen"),
}

SEMRUSH = ExportFormat(
    name="semrush-backlinks",
    vendor="semrush",
    label="Semrush backlinks",
    source=("source url",),
    target=("target url",),
    signature=(("source url",), ("target url",), ("page ascore",)),
    fields={
        **_SEMRUSH_FIELDS,
        "page_ascore": _c("page ascore"),
        "sponsored": _c("sponsored"),
        "ugc": _c("ugc"),
        "lost": _c("lost link"),
        "lost_at": _date_if_true("lost link", "last seen"),
        "toxicity": _c("toxicity score", "toxic score", "tox score"),
    },
)

SEMRUSH_LEGACY = ExportFormat(
    name="semrush-backlinks-legacy",
    vendor="semrush",
    label="Semrush backlinks (legacy layout)",
    source=("source url",),
    target=("target url",),
    signature=(("source url",), ("target url",), ("page score",)),
    fields={**_SEMRUSH_FIELDS, "page_ascore": _c("page score")},
)

MAJESTIC = ExportFormat(
    name="majestic-backlinks",
    vendor="majestic",
    label="Majestic backlinks",
    source=("source url",),
    target=("target url",),
    signature=(
        ("source url",),
        ("target url",),
        ("sourcetrustflow", "source trust flow", "flagnofollow"),
    ),
    fields={
        "anchor": _c("anchor text", "anchortext"),
        "title": _c("source title", "sourcetitle"),
        "first_seen": _c(
            "source first found date", "link first indexed date", "first indexed",
            "firstindexeddate",
        ),
        "last_seen": _c("source crawl date", "last seen date", "last seen", "lastseendate"),
        "nofollow": _c("flagnofollow", "nofollow", kind=Kind.FLAG),
        "image": _c("flagimagelink", "image link", kind=Kind.FLAG),
        "redirect": _c("flagredirect", "redirect", kind=Kind.FLAG),
        "frame": _c("flagframe", "frame", kind=Kind.FLAG),
        "lost": _c("flagdeleted", "deleted", kind=Kind.FLAG),
        "trust_flow": _c("sourcetrustflow", "source trust flow"),
        "citation_flow": _c("sourcecitationflow", "source citation flow"),
    },
)

MOZ = ExportFormat(
    name="moz-links",
    vendor="moz",
    label="Moz inbound links",
    source=("url",),
    target=("target url",),
    signature=(("url",), ("target url",), ("anchor text",), ("spam score", "domain authority")),
    fields={
        "title": _c("title"),
        "anchor": _c("anchor text"),
        "spam_score": _c("spam score"),
        "page_authority": _c("page authority"),
        "domain_authority": _c("domain authority"),
        "nofollow": _c("only rel=nofollow", "nofollow"),
        "redirect": _c("301"),
        "first_seen": _c("date first seen", "first seen"),
        "last_seen": _c("date last seen", "last seen"),
        "lost": _filled("date lost"),
        "lost_at": _c("date lost"),
    },
)

# Detection tries these in order; the first whose signature the header carries wins.
VENDOR_FORMATS: tuple[ExportFormat, ...] = (
    AHREFS, AHREFS_2019, SEMRUSH, SEMRUSH_LEGACY, MAJESTIC, MOZ,
)

# Fields a generic import can map, besides `source_url` and `target_url`.
GENERIC_FIELDS: tuple[str, ...] = tuple(FIELDS)


def generic_format(mapping: dict[str, str]) -> ExportFormat:
    """A format built from a user's column mapping (FIELD -> column name).

    `nofollow` accepts booleans and rel values alike (`nofollow`, `dofollow`, `ugc`…).
    """
    unknown = set(mapping) - {"source_url", "target_url", *GENERIC_FIELDS}
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(sorted(unknown))}; known: source_url, target_url, "
            + ", ".join(GENERIC_FIELDS)
        )
    for required in ("source_url", "target_url"):
        if required not in mapping:
            raise ValueError(f"a column mapping needs {required}=COLUMN")
    fields: dict[str, Column | Derived] = {}
    for name, column in mapping.items():
        if name in ("source_url", "target_url"):
            continue
        if name == "nofollow":
            fields[name] = _c(column.strip().lower(), kind=Kind.REL)
        else:
            fields[name] = _c(column.strip().lower())
    columns = {mapping["source_url"].strip().lower(), mapping["target_url"].strip().lower()}
    return ExportFormat(
        name="generic",
        vendor="generic",
        label="CSV with a column mapping",
        source=(mapping["source_url"].strip().lower(),),
        target=(mapping["target_url"].strip().lower(),),
        signature=tuple((name,) for name in sorted(columns)),
        fields=fields,
        mapping=dict(mapping),
    )


def with_overrides(fmt: ExportFormat, mapping: dict[str, str]) -> ExportFormat:
    """A vendor format whose columns the user re-mapped (`--format moz --map anchor=Text`)."""
    fields: dict[str, Column | Derived] = dict(fmt.fields)
    source, target = fmt.source, fmt.target
    for name, column in mapping.items():
        if name == "source_url":
            source = (column.strip().lower(),)
        elif name == "target_url":
            target = (column.strip().lower(),)
        else:
            fields[name] = Column((column.strip().lower(),))
    return ExportFormat(
        fmt.name, fmt.vendor, fmt.label, source, target, fmt.signature, fields, dict(mapping)
    )


def format_by_vendor(vendor: str) -> tuple[ExportFormat, ...]:
    """The vendor formats a `--format VENDOR` choice allows."""
    return tuple(fmt for fmt in VENDOR_FORMATS if fmt.vendor == vendor)

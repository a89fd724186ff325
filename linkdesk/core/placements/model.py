"""What a placement is: a link the freelancer built or bought, as agreed with the site.

`PlacementInput` is what a user (a dialog, a pasted row, a CSV row, the command line) gives;
`parse_placement` checks it and returns a `Placement` in the stored form (normalised URLs,
ISO dates, a known type and rel), or raises PlacementError saying what is wrong.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, fields

from linkdesk.core import urls, values
from linkdesk.core.marks.model import MarksError, typed_domain, typed_host
from linkdesk.core.text import clip, inert

TYPES: dict[str, str] = {  # stored value -> what the user reads
    "guest_post": "Guest post", "niche_edit": "Niche edit", "directory": "Directory",
    "pr": "PR", "outreach": "Outreach", "other": "Other",
}
RELS = ("follow", "nofollow", "ugc", "sponsored")
# Placement statuses (docs/placements.md), in the order lists show them.
LIVE, CHANGED, MISSING, GONE, UNCHECKED, EXPIRED = (
    "live", "changed", "missing", "gone", "unchecked", "expired")
STATUSES = (LIVE, CHANGED, MISSING, GONE, UNCHECKED, EXPIRED)
_CURRENCY = re.compile(r"[A-Z]{3}")
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}
# A currency code after the amount or before it (`100 EUR`, `EUR 100`).
_PRICE_CODE = re.compile(r"(?<=[\d\s.,])[A-Za-z]{3}$|^[A-Z]{3}(?=[\d\s])")
_AMOUNT = re.compile(r"\d+(?:[.,]\d+)*|[.,]\d+")  # digits with separators, nothing else


class PlacementError(ValueError):
    """A placement that cannot be stored; the message is meant for the user."""


@dataclass(frozen=True)
class PlacementInput:
    """A placement as typed: every field text, '' when not given."""

    source_url: str = ""  # the page, or only its domain while the page is not known
    target_url: str = ""
    anchor: str = ""
    rel: str = ""
    placed_on: str = ""
    expires_on: str = ""
    price: str = ""
    currency: str = ""
    type: str = ""
    contact: str = ""
    notes: str = ""
    tag: str = ""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The field names (also the CSV columns read without a mapping)."""
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class Placement:
    """A placement as stored (`placements` table); `id` is 0 before it is added."""

    source_url: str  # '' while only the domain is known
    domain: str
    target_url: str
    anchor: str = ""
    rel: str = "follow"
    placed_on: str | None = None
    expires_on: str | None = None
    price: float | None = None
    currency: str = ""
    type: str = "other"
    contact: str = ""
    notes: str = ""
    tag: str = ""
    # Known only by its domain: the host typed (`traveltalk.wordpress.com`: one blog of many
    # on a platform), as links.source_host stores hosts. '' when the page is known, and in
    # projects from before schema 10, where it meant the registered domain itself.
    host: str = ""
    id: int = 0

    @property
    def page(self) -> str:
        """The page URL, or the host (or domain) typed while the page is not known."""
        return self.source_url or self.host or self.domain

    @property
    def site(self) -> str:
        """Known only by its domain: the host typed (the registered domain when none was
        stored); '' when the page is known."""
        return "" if self.source_url else self.host or self.domain


# The stored columns of a placement's agreed terms, in `Placement`'s order (without id).
COLUMNS = tuple(f.name for f in fields(Placement) if f.name != "id")


def parse_placement(given: PlacementInput, *, date_order: str | None = None) -> Placement:
    """The placement `given` describes, checked and normalised; PlacementError says why not.
    `date_order` reads dates that could be day or month first (see `parse_date`)."""
    _plain_address("page URL", given.source_url)
    _plain_address("target URL", given.target_url)
    source_url, domain, host = _page(given.source_url)
    target = urls.normalize_url(given.target_url) if given.target_url.strip() else None
    if target is None:
        problem = urls.url_problem(given.target_url) if given.target_url.strip() else "is empty"
        raise PlacementError(f"target URL {_quoted(given.target_url)} {problem}")
    price = _price(given.price)
    return Placement(
        source_url=source_url, domain=domain, target_url=target[0],
        anchor=" ".join(given.anchor.split()), rel=_rel(given.rel),
        placed_on=parse_date(given.placed_on, "placed date", date_order),
        expires_on=parse_date(given.expires_on, "expiry date", date_order),
        price=price, currency=_currency(given.currency, _price_currency(given.price)),
        type=_type(given.type),
        contact=given.contact.strip(), notes=given.notes.strip(), tag=given.tag.strip(),
        host=host,
    )


def _plain_address(what: str, text: str) -> None:
    """Refuse an address holding a control character or a text-direction override: no web
    address does (a browser writes them %-encoded), and printed or shown they would drive a
    terminal or show `https://example.com/‮gnp.exe` as ending in .png."""
    if inert(text) != text:
        raise PlacementError(f"{what} {_quoted(text)} holds a control character or a "
                             "text-direction override: no web address does")


def _page(text: str) -> tuple[str, str, str]:
    """(page URL, registered domain, host): a domain alone keeps the host typed, not only
    its registered domain (a blog on a platform is not the whole platform)."""
    value = text.strip()
    if not value:
        raise PlacementError("the page URL (or its domain) is empty")
    try:
        if "/" not in value:  # a domain alone: the page is not known yet
            host = typed_host(value)
            return "", urls.registered_domain(host), host
        normalized = urls.normalize_url(value)
        if normalized is None:
            raise PlacementError(f"page URL {_quoted(value)} {urls.url_problem(value)}")
        return normalized[0], typed_domain(normalized[1]), ""
    except MarksError as error:
        raise PlacementError(str(error)) from None


def _rel(text: str) -> str:
    value = text.strip().lower() or "follow"
    value = {"dofollow": "follow", "do-follow": "follow", "no-follow": "nofollow"}.get(value, value)
    if value not in RELS:
        raise PlacementError(f"rel {_quoted(text)} is not one of {', '.join(RELS)}")
    return value


def _type(text: str) -> str:
    value = re.sub(r"[\s-]+", "_", text.strip().lower()) or "other"
    if value in TYPES:
        return value
    for key, label in TYPES.items():
        if value == label.lower().replace(" ", "_"):
            return key
    raise PlacementError(f"type {_quoted(text)} is not one of "
                         f"{', '.join(TYPES.values())}")


def _price(text: str) -> float | None:
    """An amount as typed: `120`, `120,50`, `€120`, `1,200.50`, `1.200,50`, `1 200`, `1'200`.
    A lone separator before three digits (`1,000`, `1.000`) is a thousand in one country and
    one in another: refused, saying so, rather than guessed (as a date that reads both ways)."""
    value = text.strip()
    for symbol in _SYMBOLS:
        value = value.replace(symbol, "")
    value = _PRICE_CODE.sub("", value)  # then grouping spaces, 1'000
    value = re.sub(r"[\s'’]", "", value)
    if not value:
        return None
    if value[:1] in ("-", "−"):
        raise PlacementError(f"price {_quoted(text)} is not an amount paid")
    if not _AMOUNT.fullmatch(value):  # digits and separators only: no 1e308, nan, 0x10
        raise PlacementError(f"price {_quoted(text)} is not a number")
    price = float(_decimal(value, text))
    if price >= 1e12:
        raise PlacementError(f"price {_quoted(text)} is not an amount paid")
    return price


def _decimal(value: str, text: str) -> str:
    """Digits with separators as Python reads a number: the decimal separator is the last
    separator when both are written (`1.200,50`), a repeated one groups (`1,000,000`); each
    group of thousands has three digits."""
    marks = [c for c in ".," if c in value]
    if len(marks) == 2:
        point = max(marks, key=value.rindex)
        whole, _, fraction = value.rpartition(point)
        grouping = ({".", ","} - {point}).pop()
        if point in whole or not _grouped(whole, grouping):
            raise PlacementError(f"price {_quoted(text)} is not a number")
        return whole.replace(grouping, "") + "." + fraction
    if not marks:
        return value
    mark = marks[0]
    if value.count(mark) > 1:
        if not _grouped(value, mark):
            raise PlacementError(f"price {_quoted(text)} is not a number")
        return value.replace(mark, "")
    whole, _, fraction = value.partition(mark)
    if len(fraction) == 3 and _grouped(value, mark):
        raise PlacementError(
            f"price {_quoted(text)} could be {whole}{fraction} or {whole}.{fraction}: write "
            f"it without a thousands separator ({whole}{fraction})")
    return f"{whole or '0'}.{fraction}"


def _grouped(digits: str, mark: str) -> bool:
    """Whether `digits` is thousands grouped by `mark` (1,234,567: groups of three after a
    first group of one to three digits that is not 0)."""
    return re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(mark)}\d{{3}})+", digits) is not None


def _price_currency(text: str) -> str:
    """The currency written in a price (`€120`, `120 EUR`, `EUR 100`), or ""."""
    value = text.strip()
    symbols = {code for symbol, code in _SYMBOLS.items() if symbol in value}
    if len(symbols) == 1:
        return symbols.pop()
    code = _PRICE_CODE.search(value)
    return code.group().upper() if code and not symbols else ""


def _currency(text: str, in_price: str = "") -> str:
    """The currency column's code; when it is empty, the one the price was written with
    (`€1200` is 1200 EUR: dropping it made an amount of no currency, never added up)."""
    value = text.strip()
    value = _SYMBOLS.get(value, value).upper()
    if not value:
        return in_price
    if not _CURRENCY.fullmatch(value):
        raise PlacementError(f"currency {_quoted(text)} is not a three-letter code (EUR, USD)")
    if in_price and in_price != value:
        raise PlacementError(f"the price is in {in_price} but the currency says {value}")
    return value


def parse_date(text: str, what: str = "date", order: str | None = None) -> str | None:
    """A date as typed, as YYYY-MM-DD, by the one rule of core/values.py: 2026-03-02 always,
    02.03.2026 day first, 15/09/2026 or 09/15/2026 as they can only be read. A date that reads
    both ways (02/03/2026) follows `order` (DAY_FIRST or MONTH_FIRST: what the rest of its file
    shows, csvio decides it); without one it is refused, saying so, rather than guessed."""
    value = text.strip()
    if not value:
        return None
    found = values.parse_date(value, order)
    if found is not None:
        return found
    if values.ambiguous_date(value):
        day_first = datetime.date.fromisoformat(values.parse_date(value, values.DAY_FIRST) or "")
        month_first = datetime.date.fromisoformat(
            values.parse_date(value, values.MONTH_FIRST) or "")
        raise PlacementError(
            f"{what} {_quoted(value)} could be {_day(day_first)} or {_day(month_first)}: write "
            f"it as {day_first.isoformat()} or {month_first.isoformat()} (YYYY-MM-DD)")
    raise PlacementError(f"{what} {_quoted(value)} is not a date (YYYY-MM-DD)")


def _quoted(text: str) -> str:
    """A value as a message quotes it: its first characters, controls and bidirectional
    overrides escaped (a CSV cell may hold 100,000 characters, or an escape sequence)."""
    return repr(clip(text.strip()))


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"

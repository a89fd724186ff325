"""The evidence behind each signal and flag of one link, in words a client can read.

Only used to explain: the numbers come from the stored signal values (see explain.py); this
module says which data they were computed from.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from linkdesk.core import urls
from linkdesk.core.link_status import GONE_LIVE, LIVE, NOT_REPORTED
from linkdesk.core.scoring import signals
from linkdesk.core.scoring.anchors import AnchorClassifier
from linkdesk.core.scoring.flags import domain_name_flags
from linkdesk.core.scoring.matching import (
    TopicMatcher,
    generated_page,
    list_page,
    poison_in_title,
    target_host,
    url_path,
)
from linkdesk.core.scoring.model import Model

_METRIC_LABELS = {
    "domain_rating": "DR", "url_rating": "UR", "trust_flow": "TF", "citation_flow": "CF",
    "domain_authority": "DA", "page_authority": "PA", "page_ascore": "Page AS",
}


@dataclass(frozen=True)
class LinkContext:
    """Everything known about one link: its row, its domain's facts and metrics."""

    link: dict[str, Any]
    domain: dict[str, Any]  # the domain_scores row
    metrics: dict[str, Any]  # the domain's best metrics (max over its links)
    site_links: int  # links from the site (the host, on a blog platform)
    site_top_target_links: int
    model: Model
    as_of: datetime.date | None
    value: dict[str, int]  # stored signal values, thousandths
    sites: int = 1  # the project's sites the referring domain links to


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _metric_list(source: dict[str, Any], names: tuple[str, ...] | list[str]) -> list[str]:
    return [f"{_METRIC_LABELS[n]} {_number(source[n])}" for n in names if source.get(n) is not None]


def _authority(c: LinkContext) -> str:
    known = _metric_list(c.metrics, list(signals.DOMAIN_REFERENCES))
    known += _metric_list(c.link, list(signals.PAGE_REFERENCES))
    if not known:
        return "no authority metrics (neutral)"
    combined = (c.value["authority"] + signals.AUTHORITY_NEUTRAL) / 10
    return f"{', '.join(known)}: {combined:.0f}/100 on LinkDesk's scale"


def _trust(c: LinkContext) -> str:
    tf, cf = c.metrics.get("trust_flow"), c.metrics.get("citation_flow")
    if tf is None or cf is None:
        return "no Trust Flow/Citation Flow (neutral)"
    if cf < signals.TRUST_MIN_CITATION:
        return f"CF {_number(cf)} too low to judge (neutral)"
    return f"TF {_number(tf)} / CF {_number(cf)} = {tf / cf:.2f}"


def _traffic(c: LinkContext) -> str:
    traffic = c.metrics.get("domain_traffic")
    return "unknown (neutral)" if traffic is None else f"{_number(traffic)} visits/month"


def _page_traffic(c: LinkContext) -> str:
    traffic = c.link.get("page_traffic")
    return "unknown (neutral)" if traffic is None else f"{_number(traffic)} visits/month"


def _follow(c: LinkContext) -> str:
    marks = [name for name in ("nofollow", "ugc", "sponsored") if c.link.get(name)]
    if marks:
        return "rel=" + " ".join(marks)
    return "unknown (neutral)" if c.link.get("nofollow") is None else "followed"


def _yes_no(column: str, yes: str, no: str) -> Callable[[LinkContext], str]:
    return lambda c: yes if c.link.get(column) else no


def _frame_form(c: LinkContext) -> str:
    places = [name for name in ("frame", "form") if c.link.get(name)]
    return "inside a " + " and a ".join(places) if places else "in the page"


def _relevance(c: LinkContext) -> str:
    topics = TopicMatcher(c.model.terms.topics)
    if not topics.active:
        return "no topic keywords set (neutral)"
    anchor = AnchorClassifier(c.model.terms).facts(c.link.get("anchor") or "")
    found = [
        f"'{word}' in the {place}" for place, word in (
            ("title", topics.in_title(c.link.get("title"))),
            ("URL", topics.in_url(c.link.get("source_url"))),
            ("anchor", anchor.topic_term),
        ) if word
    ]
    return "; ".join(found) if found else "no topic keyword in title, URL or anchor"


def _market(c: LinkContext) -> str:
    terms = c.model.terms
    parts = []
    if terms.languages:
        language = c.link.get("language") or "unknown"
        parts.append(f"language {language} (market: {', '.join(terms.languages)})")
    code = signals.country_code(c.domain["domain"])
    if code is not None:
        market = signals.market_countries(c.model)
        source = ("set" if terms.countries else "default for sites on generic TLDs"
                  if market == signals.DEFAULT_MARKET else "from the sites' TLDs")
        parts.append(f"country {code}: {'in' if code in market else 'outside'} the market "
                     f"({', '.join(sorted(market))}; {source})")
    elif terms.countries:
        parts.append(f"country none (generic TLD) (market: {', '.join(terms.countries)})")
    return "; ".join(parts) if parts else "generic TLD, no language set (neutral)"


def _page_links(c: LinkContext) -> str:
    path, title = url_path(c.link["source_url"]), _lower_title(c.link)
    listed = list_page(title, path)
    if listed:
        return f"a numbered list of sites ('{listed}'): no value"
    generated = generated_page(title, path, linked_site(c.link))
    if generated:
        return f"a page made for the linked site ({generated}): no value"
    links = c.link.get("external_links")
    return "unknown (neutral)" if links is None else f"{_number(links)} external links on the page"


def _lower_title(link: dict[str, Any]) -> str:
    return (link.get("title") or "").lower()


def linked_site(link: dict[str, Any]) -> str:
    """The registered domain of the site a link points to."""
    return urls.registered_domain(target_host(link["target_url"]))


def _repetition(c: LinkContext) -> str:
    where = c.link["source_host"] if c.domain["platform"] else c.domain["domain"]
    text = f"{c.site_links:,} link{'s' if c.site_links != 1 else ''} from {where}"
    if c.sites > 1 and not c.domain["platform"]:
        text += f", linking to {c.sites:,} of the project's sites"
    return text


def _sitewide(c: LinkContext) -> str:
    if c.link.get("sitewide"):
        return "marked sitewide by the vendor"
    if c.value["sitewide"]:
        return footer_evidence(c)
    return "not repeated across the site"


def footer_evidence(c: LinkContext) -> str:
    """Why a site's links look like a footer or blogroll link."""
    share = c.site_top_target_links / c.site_links if c.site_links else 0
    return f"{c.site_links:,} links from the site, {share:.0%} of them to one page"


def _lost(c: LinkContext) -> str:
    status = c.link.get("status", LIVE)
    if status == NOT_REPORTED:
        return "no longer reported by the tools that listed it"
    if status == GONE_LIVE:
        return "found gone by a live check"
    if status == LIVE:
        return "live"
    return f"lost on {c.link['lost_at']}" if c.link.get("lost_at") else "marked lost"


def _age(c: LinkContext) -> str:
    first = c.link.get("first_seen")
    if first is None or c.as_of is None:
        return "first seen: unknown (neutral)"
    days = (c.as_of - datetime.date.fromisoformat(first[:10])).days
    return f"first seen {first[:10]}, {days:,} days before {c.as_of}"


def _stale(c: LinkContext) -> str:
    last = c.link.get("last_seen")
    if last is None:
        return "last seen: unknown (neutral)"
    limit = int(c.model.detection["stale_days"])
    if c.value["stale"]:
        return f"last seen {last[:10]}, over {limit} days before {c.as_of}"
    return f"last seen {last[:10]}"


SIGNAL_EVIDENCE: dict[str, Callable[[LinkContext], str]] = {
    "authority": _authority,
    "trust": _trust,
    "traffic": _traffic,
    "page_traffic": _page_traffic,
    "follow": _follow,
    "image": _yes_no("image", "image link", "text link"),
    "redirect": _yes_no("redirect", "through a redirect", "direct"),
    "frame_form": _frame_form,
    "relevance": _relevance,
    "market": _market,
    "page_links": _page_links,
    "repetition": _repetition,
    "sitewide": _sitewide,
    "lost": _lost,
    "age": _age,
    "stale": _stale,
}


# -- flags ------------------------------------------------------------------------------------


def flag_evidence(flag: str, c: LinkContext, count_domains: Callable[[str], int]) -> str:
    """Why a link has a flag; `count_domains(flag)` counts domains sharing its title/path
    (for `many_sites`: the project's sites the domain links to)."""
    link, detection = c.link, c.model.detection
    names = domain_name_flags(c.domain["domain"])
    if flag in names:
        return names[flag]
    if flag == "many_subdomains":
        return f"{c.domain['hosts']} hosts of {c.domain['domain']} link to the site"
    if flag == "many_sites":
        return f"{c.domain['domain']} links to {count_domains(flag)} of the project's sites"
    if flag == "link_list":
        found = list_page(_lower_title(link), url_path(link["source_url"]))
        return f"'{found}' in the page's title or URL: a numbered list of sites"
    if flag == "generated_page":
        path = url_path(link["source_url"])
        return generated_page(_lower_title(link), path, linked_site(link)) or ""
    if flag == "sitewide":
        return _sitewide(c)
    if flag == "poison_page":
        return f"'{poison_in_title(link.get('title'))}' in the title '{link.get('title')}'"
    if flag == "poison_anchor":
        word = AnchorClassifier(c.model.terms).facts(link.get("anchor") or "").poison_word
        return f"'{word}' in the anchor '{link.get('anchor')}'"
    if flag == "money_anchor":
        return f"anchor '{link.get('anchor')}' is exactly a money keyword"
    if flag == "empty_anchor":
        return f"text link with anchor {link.get('anchor')!r}"
    if flag == "link_farm":
        limit = _number(detection["link_farm_external_links"])
        return f"{_number(link.get('external_links'))} external links on the page (>= {limit})"
    if flag == "network_title":
        return f"title '{link.get('title')}' on {count_domains(flag)} referring domains"
    if flag == "network_path":
        return f"path {path_of(link['source_url'])} on {count_domains(flag)} referring domains"
    if flag == "ahrefs_spam":
        return "Ahrefs: Is spam = true"
    if flag == "moz_spam_score":
        limit = _number(detection["moz_spam_score"])
        return f"Moz spam score {_number(link.get('spam_score'))}% (>= {limit}%)"
    if flag == "semrush_toxicity":
        limit = _number(detection["semrush_toxicity"])
        return f"Semrush toxicity {_number(link.get('toxicity'))} (>= {limit})"
    if flag == "lost_link":
        return _lost(c)
    return ""


def path_of(url: str) -> str:
    """The path and query of a normalised URL, as `features.PATH_SQL` computes it."""
    start = url.find("/", 8)
    return url[start:] if start >= 0 else "/"

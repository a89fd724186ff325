"""Risk flags: named, independent observations, each with its evidence and its risk points.

A link's flags are a bit set (bit = position in `model.FLAGS`). Flags of the referring domain's
name (`DOMAIN_NAME_FLAGS`), of its shape (`many_subdomains`) and of its reach (`many_sites`)
hold for every link of the domain; the others are judged per link. A domain has a per-link
flag when at least `domain_flag_share` of its links have it, so one odd link does not taint a
large site.
The risk level follows from the sum of the points of the flags present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkdesk.core import urls
from linkdesk.core.scoring.anchors import EMPTY_IMAGE, EXACT
from linkdesk.core.scoring.model import FLAGS, Model
from linkdesk.core.scoring.words import POISON_WORDS, SPAM_TLDS

BIT: dict[str, int] = {name: 1 << index for index, name in enumerate(FLAGS)}

DOMAIN_NAME_FLAGS = ("spam_tld", "domain_pattern", "poison_domain", "ip_host")
DOMAIN_FLAGS = (*DOMAIN_NAME_FLAGS, "many_subdomains", "many_sites")
PAGE_FLAGS = tuple(name for name in FLAGS if name not in DOMAIN_FLAGS)

# Only pages whose path is an article-like slug count for the mirror-page flag: CMS paths such
# as `/showthread.php?t=20000`, `/?p=20` or `/page/2/` repeat across unrelated sites.
NETWORK_PATH_MIN_LENGTH = 15
NETWORK_TITLE_MIN_LENGTH = 12  # "Home", "Blog" and the like repeat everywhere
NAME_MAX_LENGTH = 25
NAME_MAX_DIGITS = 2
NAME_MAX_HYPHENS = 1
_DIGITS = re.compile(r"\d")
# Domain names run words together, so poison words count anywhere in the name.
_POISON_IN_NAME = re.compile("|".join(map(re.escape, POISON_WORDS)))


@dataclass(frozen=True)
class FlagInfo:
    """What a flag reads and why it is a risk (documented in docs/scoring.md)."""

    columns: tuple[str, ...]
    why: str


FLAG_INFO: dict[str, FlagInfo] = {
    "spam_tld": FlagInfo(("domain",), "A TLD abuse reports list as favoured by link farms."),
    "domain_pattern": FlagInfo(
        ("domain",),
        "Numerals, several hyphens or a very long name: how generated domains look.",
    ),
    "poison_domain": FlagInfo(
        ("domain",), "Gambling, pharma, adult or loan words in the domain name."
    ),
    "ip_host": FlagInfo(("source_host",), "A page served from a bare IP address, no domain."),
    "many_subdomains": FlagInfo(
        ("source_host",), "Many subdomains of one domain linking: a self-made network."
    ),
    "sitewide": FlagInfo(
        ("sitewide", "target_url"), "Footer/blogroll links repeated on every page of a site."
    ),
    "poison_page": FlagInfo(("title",), "Gambling, pharma, adult or loan words in the title."),
    "poison_anchor": FlagInfo(("anchor",), "Poison words in the anchor text."),
    "money_anchor": FlagInfo(
        ("anchor",), "An exact-match money anchor: the classic sign of a placed link."
    ),
    "empty_anchor": FlagInfo(
        ("anchor", "image", "redirect"), "A text link with no words in its anchor."
    ),
    "link_farm": FlagInfo(
        ("external_links",), "A page with hundreds of outgoing links: a link farm or directory."
    ),
    "network_title": FlagInfo(
        ("title", "domain"), "The same page title on several referring domains: a network."
    ),
    "network_path": FlagInfo(
        ("source_url", "domain"), "The same article path on several domains: mirror pages."
    ),
    "ahrefs_spam": FlagInfo(("is_spam",), "Ahrefs marks the page as spam."),
    "moz_spam_score": FlagInfo(("spam_score",), "Moz spam score in its high range."),
    "semrush_toxicity": FlagInfo(("toxicity",), "Semrush toxicity score in its toxic range."),
    "lost_link": FlagInfo(("lost", "lost_at"), "The link is gone: reclaim it or let it go."),
    "link_list": FlagInfo(
        ("title", "source_url"),
        "The page is a numbered list of sites or a directory page: links nobody chose.",
    ),
    "generated_page": FlagInfo(
        ("source_url", "title", "target_url"),
        "The page was made by a program for the site it links to: a site-info or whois page, "
        "an open redirect, a hashed page name.",
    ),
    "many_sites": FlagInfo(
        ("domain", "target_url"),
        "One referring domain linking to many of the project's unrelated sites: a directory, "
        "a scraper or a link seller.",
    ),
}


def flag_names(bits: int) -> list[str]:
    """The names of the flags in a bit set, in `FLAGS` order."""
    return [name for name in FLAGS if bits & BIT[name]]


def risk_points(bits: int, model: Model) -> int:
    """The sum of the points of the flags in a bit set."""
    return sum(int(model.flag_points[name]) for name in flag_names(bits))


# -- the domain's name (Python, once per domain) ----------------------------------------------


def domain_name_flags(domain: str) -> dict[str, str]:
    """Flags of a referring domain's name, each with its evidence."""
    found: dict[str, str] = {}
    if urls.is_ip_host(domain):
        found["ip_host"] = f"an IP address ({domain}), not a domain name"
        return found
    readable = urls.to_unicode_host(domain)
    label = readable.split(".", 1)[0]
    tld = domain.rsplit(".", 1)[-1]
    if tld in SPAM_TLDS:
        found["spam_tld"] = f".{tld}"
    digits = len(_DIGITS.findall(label))
    hyphens = label.count("-")
    reasons = []
    if digits > NAME_MAX_DIGITS:
        reasons.append(f"{digits} digits")
    if hyphens > NAME_MAX_HYPHENS:
        reasons.append(f"{hyphens} hyphens")
    if len(label) > NAME_MAX_LENGTH:
        reasons.append(f"{len(label)} characters")
    if reasons:
        found["domain_pattern"] = f"{', '.join(reasons)} in '{label}'"
    word = _POISON_IN_NAME.search(label)
    if word:
        found["poison_domain"] = f"'{word.group()}' in '{label}'"
    return found


def domain_name_bits(domain: str) -> int:
    """The bit set of `domain_name_flags(domain)`, without the evidence (scoring asks this of
    every referring domain: a million in a wide profile)."""
    if urls.is_ip_host(domain):
        return _IP_HOST_BIT
    label = (urls.to_unicode_host(domain) if "xn--" in domain else domain).split(".", 1)[0]
    bits = _SPAM_TLD_BIT if domain.rsplit(".", 1)[-1] in SPAM_TLDS else 0
    if (len(label) > NAME_MAX_LENGTH or label.count("-") > NAME_MAX_HYPHENS
            or len(_DIGITS.findall(label)) > NAME_MAX_DIGITS):
        bits |= _PATTERN_BIT
    if _POISON_IN_NAME.search(label):
        bits |= _POISON_DOMAIN_BIT
    return bits


_IP_HOST_BIT, _SPAM_TLD_BIT = BIT["ip_host"], BIT["spam_tld"]
_PATTERN_BIT, _POISON_DOMAIN_BIT = BIT["domain_pattern"], BIT["poison_domain"]


# -- per-link flags (SQL over the columns `features.py` selects) ------------------------------


def page_flags_sql(model: Model) -> str:
    """SQL for the bit set of a link's flags: its domain's flags plus the per-link ones."""
    detection = model.detection
    anchor_bits = BIT["poison_anchor"] | BIT["money_anchor"]
    checks = {
        "sitewide": "footer OR coalesce(sitewide, 0)",
        "poison_page": "poison_title",
        "link_farm": f"external_links >= {float(detection['link_farm_external_links'])!r}",
        "network_title": "network_title",  # marked with the titles (features.PageMarks)
        "network_path": "network_path",
        "ahrefs_spam": "is_spam = 1",
        "moz_spam_score": f"spam_score >= {float(detection['moz_spam_score'])!r}",
        "semrush_toxicity": f"toxicity >= {float(detection['semrush_toxicity'])!r}",
        "lost_link": "lost = 1",
        "link_list": "list_page",
        "generated_page": "generated_page",
    }
    terms = [
        "scope_flags",
        f"(anchor_flags & {anchor_bits})",
        f"CASE WHEN anchor_flags & {BIT['empty_anchor']} AND NOT coalesce(image, 0) "
        f"AND NOT coalesce(redirect, 0) "
        f"THEN {BIT['empty_anchor']} ELSE 0 END",
    ]
    terms += [f"CASE WHEN {check} THEN {BIT[name]} ELSE 0 END" for name, check in checks.items()]
    return " + ".join(terms)


def anchor_flag_bits(anchor_class: int, poison_word: str | None) -> int:
    """The anchor's own flags; `empty_anchor` is dropped later for image links."""
    bits = 0
    if poison_word:
        bits |= BIT["poison_anchor"]
    if anchor_class == EXACT:
        bits |= BIT["money_anchor"]
    if anchor_class == EMPTY_IMAGE:
        bits |= BIT["empty_anchor"]
    return bits


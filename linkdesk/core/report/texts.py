"""Every text of the client report, in one place, so that a translation can be added later.

`text(key, **values)` formats one entry of the language in use (English by default). A
translation is another dict with the same keys (`LANGUAGES`); keys missing from it fall back
to English. Nothing here is data: the data's own text is escaped by the renderers.
"""

from __future__ import annotations

from typing import Any

from linkdesk.core.colours import BAND_COLOUR_NAMES, NOT_SCORED_COLOUR_NAME
from linkdesk.core.profile import Hint, hint_words
from linkdesk.core.scoring import BANDS
from linkdesk.core.words import plural

ENGLISH: dict[str, str] = {
    # -- cover ------------------------------------------------------------------------------
    "title": "Backlink report",
    "subtitle": "The links from other websites to {site}",
    "prepared_by": "Prepared by {name}",
    "prepared_on": "Date of the report",
    "period": "Period covered",
    "period_value": "From {since} to {until}",
    "period_all": "Everything known up to {until}",
    "sources": "Data sources",
    "source_line": "{vendor}: {exports} (latest export dated {latest}), {rows} rows",
    "no_sources": "No link data has been imported yet.",
    "unknown_site": "the client's website",
    "page": "Page {page} of {pages}",
    # -- sections ---------------------------------------------------------------------------
    "summary": "Summary",
    "balance_title": "Quality against quantity",
    "balance_intro": (
        "Your website has {links} from {domains} (referring domains). "
        "What matters is not how many there are but how good they are: one link from a "
        "respected site is worth more than hundreds from unknown ones."),
    "balance_bands": (
        "Of the referring domains, {strong} are strong, {fair} fair, {weak} weak and {risky} "
        "look risky."),
    "balance_not_scored": (
        "The links have not been scored yet, so this report cannot yet say how good they are."),
    "balance_follow": (
        "Links that pass value to the site (not marked by the linking website as paid, "
        "user-posted or not to be followed): {followed}, {share} of all links."),
    "what_stands_out": "What stands out",
    "changes_title": "What changed in the period",
    "changes_first": (
        "This is the first report on this website: there is no earlier data to compare with. "
        "The next report will show what was gained and lost since this one."),
    "changes_counts": (
        "{new_domains} ({new_links}) and {lost_domains} lost ({lost_links} lost)."),
    "changes_risky_new": (
        "{risky} of the new referring domains look risky ({share}). Many new links from "
        "throw-away websites at once can be an attack on the site's reputation with Google "
        "(negative SEO); the verdict on disavowing below says what is done about it."),
    "changes_none": "Nothing changed in the period.",
    "changes_lost_note": (
        "A link counts as lost when the tools no longer list it or a live check found it "
        "gone; links come and go on every website."),
    "verdict_title": "Disavow: our verdict",
    "verdict_none": "No disavow file is needed.",
    "verdict_none_why": (
        "Google ignores most spammy or low-quality links on its own and does not count them "
        "against a site. A disavow file is only for links that are spammy, artificial or "
        "low-quality and have caused, or are likely to cause, a manual action. Nothing in "
        "this profile points to that: {risky} of the links look risky."),
    "verdict_watch": "No disavow file for now; we keep watching.",
    "verdict_watch_why": (
        "{risky} of the links look risky, which is more than usual. Google ignores most such "
        "links on its own, so a disavow file would only be worth it after a manual action, or "
        "if the site took part in a link scheme. We will look at these links again in the "
        "next report."),
    "verdict_file": "A disavow file is in use: {entries}.",
    "verdict_entries": "{domains} and {urls}",
    "verdict_planned": (
        "A disavow file is being prepared: {entries} {are} marked to be disavowed. "
        "No disavow file is in use yet."),
    "verdict_file_why": (
        "These links were judged spammy or artificial (the reasons are listed below) and "
        "likely to cause a manual action, which is the case Google's guidance names for a "
        "disavow file. Good links are never disavowed: disavowing them would hurt the site."),
    "verdict_done_changes": (
        "Since the last file ({against}): {added} added, {removed} removed."),
    "verdict_done_first": "There was no earlier disavow file.",
    "verdict_done_none": "Nothing was disavowed.",
    "charts": "Charts",
    "chart_balance": "Balance of referring domains and links by band",
    "chart_map": "Quality against quantity: one dot per referring domain",
    "chart_map_note": (
        "Further right: more links from that website. Higher: better links. A cross marks a "
        "domain in the disavow file."),
    "chart_quality": "Links by quality",
    "band_legend": "Colours: {bands}; {not_scored}: not scored.",
    "band_legend_part": "{band} {colour}",
    "colour_red": "red", "colour_orange": "orange", "colour_yellow": "yellow",
    "colour_green": "green", "colour_grey": "grey",
    "chart_velocity": "New (up) and lost (down) links per month",
    "chart_anchors": "Anchor texts by kind",
    "chart_anchors_note": (
        "The words of a link. A natural profile is mostly the brand's name and web address."),
    "tables": "Tables",
    "strongest_title": "Strongest referring domains",
    "gained_title": "Referring domains gained in the period",
    "lost_title": "Referring domains lost in the period",
    "risky_title": "Risky referring domains and why",
    "anchors_title": "Most used anchor texts (the words of the links)",
    "anchor_none": "(not known)",
    "anchor_empty": "(no anchor text)",
    "col_anchor": "Anchor text",
    "risky_none": "No referring domain looks risky.",
    "disavow_title": "Disavow decisions since the last file",
    "disavow_added": "Added",
    "disavow_removed": "Removed",
    "disavow_none": "No change to the disavow file.",
    "disavow_removed_reason": "No longer marked for disavow",
    "checks_title": "Live checks of the links",
    "checks_intro": (
        "LinkDesk visited {checked} to see whether they still link to the site."),
    "checks_none": "No link has been checked live yet.",
    # -- placements: the links placed for the client ----------------------------------------
    "placements": "Links placed for you",
    "placements_intro_one": (
        "1 link to {site} was placed on another website for you (an article, a listing, a "
        "press release...). LinkDesk visits the page to make sure the link is still there as "
        "agreed."),
    "placements_intro": (
        "{count} links to {site} were placed on other websites for you (articles, listings, "
        "press releases...). LinkDesk visits each page to make sure the link is still there "
        "as agreed."),
    "placements_status_title": "Are they still there?",
    "placements_attention": "{count} of them need attention: see the list below.",
    "placements_attention_one": "1 of them needs attention: see the list below.",
    "placements_all_well": "None of them needs attention.",
    "placements_types_title": "What kind of links, and what they cost",
    "placements_spend": "Spent in total: {spend}.",
    "placements_spend_none": "No prices were recorded for these links.",
    "placements_strong": (
        "{count} of the websites are strong, the kind whose links help most; {spend} went to "
        "them, {each} per strong website on average."),
    "placements_strong_total": (
        "{count} of the websites are strong, the kind whose links help most; {spend} went to "
        "them."),
    "placements_strong_one": (
        "1 of the websites is strong, the kind whose links help most; {spend} went to it."),
    "placements_strong_unpriced": (
        "{count} of the websites are strong, the kind whose links help most."),
    "placements_strong_none": (
        "None of the websites is rated strong yet (a website is rated once the link tools "
        "report it)."),
    "placements_list_title": "Each link",
    "placements_expiring_title": "Coming up for renewal",
    "placements_expiring": "These links reach their agreed end date within {days} days:",
    "placements_expiring_none": "No link reaches its agreed end date in the next {days} days.",
    "placement_live": "Live, as agreed",
    "placement_changed": "Live, but not as agreed",
    "placement_missing": "The page no longer has the link",
    "placement_gone": "The page is gone or cannot be reached",
    "placement_unchecked": "Not checked yet",
    "placement_expired": "Past its agreed end date",
    "placement_type_guest_post": "Article written for another website",
    "placement_type_niche_edit": "Link added to an existing article",
    "placement_type_directory": "Directory listing",
    "placement_type_pr": "Press release",
    "placement_type_outreach": "Mention won by outreach",
    "placement_type_other": "Other",
    "placement_website": "{domain} (exact page not known yet)",
    "placement_rel_follow": "a normal link", "placement_rel_nofollow": "marked not to be followed",
    "placement_rel_ugc": "marked as posted by a user", "placement_rel_sponsored": "marked as paid",
    "differs_rel": "Now {found}, agreed: {agreed}",
    "differs_anchor": "Link text \u201c{found}\u201d, agreed: \u201c{agreed}\u201d",
    "differs_target": "Links to another page of your site than agreed",
    "no_price": "–",
    "no_currency": "(currency not recorded)",
    "more_rows": "… and {count} more",
    "empty_table": "None in this period.",
    "not_scored": "not scored",
    "total": "Total",
    # -- columns ----------------------------------------------------------------------------
    "col_domain": "Referring domain",
    "col_domains": "Referring domains",
    "col_domain_share": "Share of domains",
    "col_link_share": "Share of links",
    "col_quality": "Quality",
    "col_band": "Band",
    "col_links": "Links",
    "col_dofollow": "Passing value",
    "col_reasons": "Reasons",
    "col_risk": "Risk",
    "col_entry": "Entry",
    "col_change": "Change",
    "col_reason": "Reason",
    "col_status": "Result",
    "col_count": "Links",
    "col_share": "Share",
    "col_signal": "Signal",
    "col_weight": "Weight (points)",
    "col_flag": "Risk flag",
    "col_points": "Points",
    "col_meaning": "What it means",
    "col_kind": "Kind of link",
    "col_placed_links": "Links",
    "col_spent": "Spent",
    "col_page": "Page",
    "col_placed": "Placed",
    "col_ends": "Ends on",
    "col_result": "Result",
    "col_differs": "What is different",
    "col_price": "Price",
    # -- appendix ---------------------------------------------------------------------------
    "appendix": "Appendix: how the scores work",
    "appendix_quality": (
        "Every link gets a quality score from 0 to 100: it starts at {base} points, the score "
        "of a typical link, and each signal below moves it up or down by at most its weight. "
        "Data a tool did not export counts as neutral. A referring domain takes the quality "
        "of its best link."),
    "appendix_bands": (
        "Bands: strong from {strong} points, fair from {fair}, weak below. Independently, "
        "risk flags add risk points; from {high} points the risk is high and the link is "
        "risky whatever its quality ({low} point: low, {medium}: medium)."),
    "appendix_flags": "Risk flags and their points in this project:",
    "appendix_vendor": (
        "No single tool's score decides anything: a vendor's own spam marker is one flag "
        "among others."),
    # -- bands and statuses -----------------------------------------------------------------
    "band_risky": "risky", "band_weak": "weak", "band_fair": "fair", "band_strong": "strong",
    "band_none": "not scored",
    "status_live": "Still links to the site",
    "status_missing": "Page no longer has the link",
    "status_page_error": "Page not found or error",
    "status_redirected": "Page redirects elsewhere",
    "status_blocked": "Page blocked the check",
    "status_timeout": "Page did not answer in time",
    "status_dns_error": "Website no longer exists",
    "vendor_ahrefs": "Ahrefs", "vendor_semrush": "Semrush", "vendor_majestic": "Majestic",
    "vendor_moz": "Moz", "vendor_gsc": "Google Search Console", "vendor_generic": "CSV file",
    "exports_one": "1 export", "exports_many": "{count} exports",
    # -- nouns counted by `counted_text` (one, many) ----------------------------------------
    "link_one": "link", "link_many": "links",
    "new_link_one": "new link", "new_link_many": "new links",
    "website_one": "other website", "website_many": "other websites",
    "domain_one": "domain", "domain_many": "domains",
    "page_one": "page", "page_many": "pages",
    "referring_domain_one": "referring domain", "referring_domain_many": "referring domains",
    "new_referring_domain_one": "new referring domain",
    "new_referring_domain_many": "new referring domains",
    "entry_one": "entry", "entry_many": "entries",
    "linking_page_one": "linking page", "linking_page_many": "linking pages",
}

# The Dashboard's hints (core/profile/balance.py, DASHBOARD_HINTS) written for the client, by
# kind: what it means in plain words first, the figure second; the same facts, and no advice
# to the freelancer (what was done about it is the verdict's job). Shares arrive as "12%".
CLIENT_HINTS: dict[str, str] = {
    "empty": "No links have been imported yet, so there is nothing to describe.",
    "concentrated": (
        "A small group of websites gives most of the links: {link_share} of all links come "
        "from {domain_share} of the linking websites."),
    "concentrated_band": (
        "A small group of websites gives most of the links, and most of those websites are "
        "{band}: {link_share} of all links come from {domain_share} of the linking websites."),
    "risky": (
        "Links from websites that look spammy or artificial make up a sizeable share: "
        "{share} of all links. The verdict on disavowing below says what this means."),
    "no_strong": (
        "None of the websites that link to yours is strong yet; strong websites are the ones "
        "whose links help most."),
    "few_strong": (
        "Few of the websites that link to yours are strong, the kind whose links help most: "
        "{share} of them."),
    "weak": (
        "Most links come from weak or risky websites, so they do little for the site: "
        "{share} of all links."),
    "nofollow": (
        "Most links are marked by the linking website as passing no value to yours (for "
        "example paid or user-posted links): only {share} of the links pass value."),
    "one_domain": (
        "One website gives an unusually large part of the links, most likely through a "
        "footer or sidebar repeated on each of its pages: {domain} alone gives {share} of "
        "all links."),
    "exact_match": (
        "Many links use the very search phrase the site wants to be found for as their text, "
        "which looks less natural to Google than the brand's name: {share} of the links."),
    "few_brand": (
        "Few links use the brand's name or web address as their text, which is what natural "
        "links mostly do: {share} of the links."),
    "lost": (
        "Many links that once existed have since disappeared: {share} of all links are "
        "lost."),
    "balanced": "Nothing unusual stands out: the links look balanced.",
}
# Marked or not, the client reads the same: what was done about it is the verdict's job.
CLIENT_HINTS["risky_marked"] = CLIENT_HINTS["risky"]

# What each quality signal measures, in words a client reads.
SIGNAL_WORDS: dict[str, str] = {
    "authority": "How respected the linking site and page are (the tools' authority scores)",
    "trust": "Trust against sheer link count (Majestic's Trust and Citation Flow)",
    "traffic": "Visitors the linking site gets",
    "page_traffic": "Visitors the linking page gets",
    "follow": "Whether the link passes value (not nofollow, ugc or sponsored)",
    "image": "An image link (no words)",
    "redirect": "The link goes through a redirect",
    "frame_form": "The link sits in a frame or a form",
    "relevance": "The linking page is about the client's topic",
    "market": "The linking site's language and country match the client's market",
    "page_links": "How many other links share the page",
    "repetition": "Many links from the same site add little",
    "sitewide": "Footer or sidebar links repeated on every page",
    "lost": "The link is gone",
    "age": "How long the link has stood",
    "stale": "Not seen by the tools for months",
}

# What each risk flag means, in words a client reads.
FLAG_WORDS: dict[str, str] = {
    "spam_tld": "A domain ending often used by spam sites",
    "domain_pattern": "A machine-made looking domain name",
    "poison_domain": "Gambling, pills, adult or link-selling words in the domain",
    "ip_host": "A bare IP address instead of a website name",
    "many_subdomains": "Many subdomains of one site link",
    "sitewide": "A sitewide footer or sidebar link",
    "poison_page": "Gambling, pills or adult words on the page",
    "poison_anchor": "Gambling, pills or adult words in the link text",
    "money_anchor": "The exact commercial keyword as link text",
    "empty_anchor": "No link text at all",
    "link_farm": "A page with hundreds of outgoing links",
    "network_title": "The same page title on several sites (a network)",
    "network_path": "The same page address on several sites (a network)",
    "ahrefs_spam": "Ahrefs marks it as spam",
    "moz_spam_score": "A high Moz spam score",
    "semrush_toxicity": "A high Semrush toxicity score",
    "lost_link": "The link is lost",
    "link_list": "A numbered list of websites or a directory page",
    "generated_page": "A page a program made about the linked site (site-info or whois pages)",
    "many_sites": "The linking site links to many of the websites in this project",
}

ENGLISH.update({f"hint_{kind}": words for kind, words in CLIENT_HINTS.items()})

LANGUAGES: dict[str, dict[str, str]] = {"en": ENGLISH}
_language = "en"


def set_language(code: str) -> None:
    """Use the texts of `code` (a key of LANGUAGES); unknown codes keep English."""
    global _language
    _language = code if code in LANGUAGES else "en"


def text(key: str, **values: Any) -> str:
    """The text under `key` in the language in use, with `values` filled in."""
    template = LANGUAGES[_language].get(key, ENGLISH[key])
    return template.format(**values) if values else template


def counted_text(count: int, noun: str) -> str:
    """"1 domain", "2,048 domains": the count and the noun's `<noun>_one`/`<noun>_many` text
    (core/words.py's `plural` picks which)."""
    return f"{count:,} {plural(count, text(noun + '_one'), text(noun + '_many'))}"


def band_legend() -> str:
    """The charts' colours in words, strongest band first, from core/colours.py's names."""
    parts = [text("band_legend_part", band=text(f"band_{BANDS[band]}"),
                  colour=text(f"colour_{BAND_COLOUR_NAMES[band]}"))
             for band in reversed(range(len(BANDS)))]
    return text("band_legend", bands=", ".join(parts),
                not_scored=text(f"colour_{NOT_SCORED_COLOUR_NAME}"))


def hint_text(hint: Hint) -> str:
    """The client's sentence for one of the Dashboard's hints (`hint_<kind>` entries)."""
    values = dict(hint.values)
    if isinstance(values.get("band"), str):
        values["band"] = text(f"band_{values['band']}")
    return hint_words(Hint(hint.kind, values), {hint.kind: text(f"hint_{hint.kind}")})

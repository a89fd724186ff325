"""Word lists the scoring model matches against: poison words, abused TLDs, generic anchors.

They are constants, not settings: they describe the web, not a client. Each list is chosen to
avoid flagging harmless links, the complaint users have about vendors' toxicity scores — so
words that occur inside ordinary words are left out (see the notes).
"""

from __future__ import annotations

# Matched inside domain names (which have no word breaks) and at the start of words in page
# titles and anchors. Left out on purpose: "adult" (adult education), "sex" (Essex, Sussex),
# "bet" (alphabet, better), "dating" (updating, accommodating), "cash", "crypto", "forex"
# (legitimate finance sites).
POISON_WORDS: tuple[str, ...] = (
    "casino", "poker", "slots", "roulette", "blackjack", "betting", "gambling", "sportsbook",
    "viagra", "cialis", "levitra", "pharma", "pills", "payday", "loans", "porn", "xxx",
    "escort", "hentai", "camgirl", "nsfw", "backlinks",
)

# Top-level domains that abuse reports (Spamhaus, SURBL) list as the most abused: cheap or free
# registrations that link farms favour. One point only: plenty of honest sites use them too.
SPAM_TLDS: frozenset[str] = frozenset({
    "xyz", "top", "icu", "tk", "ml", "ga", "cf", "gq", "buzz", "click", "cc", "online", "info",
    "biz", "work", "loan", "win", "bid", "review", "stream", "download", "racing", "party",
    "date", "faith", "men", "kim", "cricket", "science", "accountant", "gdn", "rest", "fit",
})

# Country TLDs sold and used worldwide as generic ones (`.io` start-ups, `.co`, `.tv`, `.me`,
# `.ai`): they say nothing about a site's country, so the market signal reads them as generic.
GLOBAL_COUNTRY_TLDS: frozenset[str] = frozenset({
    "co", "io", "me", "tv", "ai", "cc", "ly", "fm", "gg", "to", "ws", "sh", "ac", "im", "vc",
})

# Hosting platforms whose subdomains belong to different people (not in the Public Suffix
# List's private section, so `x.wordpress.com` and `y.wordpress.com` share one referring
# domain). On these, repetition and footer patterns are counted per host, and many
# subdomains linking is normal.
PLATFORM_DOMAINS: frozenset[str] = frozenset({
    "wordpress.com", "tumblr.com", "weebly.com", "medium.com", "wixsite.com", "livejournal.com",
    "typepad.com", "jimdo.com", "jimdofree.com", "over-blog.com", "substack.com",
    "squarespace.com", "hubpages.com", "strikingly.com", "tripod.com", "angelfire.com",
    "yolasite.com", "webnode.com", "blog.jp", "canalblog.com", "skyrock.com",
})

# Anchors that say nothing about the target ("click here"), after normalisation.
GENERIC_ANCHORS: frozenset[str] = frozenset({
    "click here", "click", "here", "this", "this link", "link", "website", "web site", "site",
    "this site", "this website", "this page", "read more", "more", "learn more", "more info",
    "more information", "find out more", "see more", "details", "visit", "visit website",
    "visit site", "visit us", "go", "go to site", "source", "homepage", "home page", "home",
    "check it out", "continue reading", "official site", "official website", "view", "view site",
    "url", "www", "click here to visit", "read the article", "read article", "via",
})

# Words that do not make an anchor match a money keyword on their own ("buy", "best").
MODIFIER_WORDS: frozenset[str] = frozenset({
    "a", "an", "the", "of", "for", "and", "to", "in", "on", "with", "by", "from", "at", "or",
    "buy", "best", "cheap", "top", "online", "free", "new", "shop", "store", "sale", "near",
    "me", "your", "our", "my",
})

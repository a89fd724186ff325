"""Very large platforms (the built-in list, or the project's own): many sites on one domain.

Disavowing one as a whole domain is almost always a mistake (the disavow warnings), and its
language or user subdomains (en.wikipedia.org, de.wikipedia.org) are no self-made network of
subdomains (scoring's `many_subdomains`). The list is built in; a project can replace it
(setting `disavow_platforms`, see disavow/platforms.py). Here so that both packages read it
without importing each other.
"""

from __future__ import annotations

import sqlite3

from linkdesk.core.store import settings
from linkdesk.core.store.settings import Key

BUILTIN_PLATFORMS: tuple[str, ...] = (
    "amazon.com", "apple.com", "archive.org", "behance.net", "blogger.com", "blogspot.com",
    "disqus.com", "dribbble.com", "facebook.com", "flickr.com", "github.com", "github.io",
    "gitlab.io", "google.com", "instagram.com", "linkedin.com", "livejournal.com",
    "medium.com", "microsoft.com", "netlify.app", "pinterest.com", "quora.com", "reddit.com",
    "scribd.com", "slideshare.net", "soundcloud.com", "substack.com", "t.co", "tiktok.com",
    "tumblr.com", "twitter.com", "vimeo.com", "weebly.com", "wikimedia.org", "wikipedia.org",
    "wix.com", "wixsite.com", "wordpress.com", "wordpress.org", "x.com", "yahoo.com",
    "youtube.com",
)


def platforms(db: sqlite3.Connection) -> tuple[str, ...]:
    """The project's list of large platforms (the built-in list unless the user changed it)."""
    stored = settings.get(db, Key.DISAVOW_PLATFORMS)
    return BUILTIN_PLATFORMS if stored is None else tuple(stored)

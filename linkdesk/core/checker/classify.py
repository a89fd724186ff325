"""Decide each link's status from its page: live, missing, page error, redirected, …"""

from __future__ import annotations

from dataclasses import replace

from linkdesk.core.checker.fetch import Fetched
from linkdesk.core.checker.model import (
    BLOCKED,
    LIVE,
    MISSING,
    PAGE_ERROR,
    REDIRECTED,
    LinkCheck,
)
from linkdesk.core.checker.parse import ParsedPage
from linkdesk.core.urls import normalize_url


def classify_link(
    link_id: int,
    target_url: str,
    placeholder: bool,
    fetched: Fetched,
    page: ParsedPage | None,
    site_hosts: frozenset[str],
) -> LinkCheck:
    """The check of one link on a fetched page (`page` is None when no HTML was read).

    A placeholder link (a Search Console page alone) counts as live when the page links
    anywhere on the client's sites: Search Console does not say which URL it links to.
    """
    # What every outcome records about the fetch; the status and the rest are filled in below.
    fetch = LinkCheck(
        link_id=link_id,
        status=BLOCKED,
        http_code=fetched.http_code,
        final_url=fetched.final_url,
        redirects=tuple(fetched.redirects),
        detail=fetched.detail,
        elapsed_ms=fetched.elapsed_ms,
    )
    if fetched.failure is not None:
        return replace(fetch, status=fetched.failure)
    code = fetched.http_code or 0
    if not 200 <= code < 300:
        detail = fetched.detail or ("a redirect without a Location" if 300 <= code < 400 else "")
        return replace(fetch, status=PAGE_ERROR, detail=detail)
    if page is None:
        kind = fetched.content_type.partition(";")[0].strip()
        return replace(fetch, detail=f"not an HTML page ({kind})")
    target_host = _host(target_url)
    if placeholder:
        anchors = [a for host in site_hosts | {target_host} for a in page.by_host.get(host, ())]
    else:
        anchors = page.by_url.get(target_url, [])
    if anchors:
        chosen = next((anchor for anchor in anchors if anchor.followed), anchors[0])
        return replace(
            fetch,
            status=LIVE,
            found=len(anchors),
            anchor=chosen.text,
            nofollow=chosen.nofollow,
            ugc=chosen.ugc,
            sponsored=chosen.sponsored,
            noindex=page.noindex,
            detail=_joined(
                "every link on the page is nofollow (robots)" if page.nofollow else "", page.note
            ),
        )
    read = replace(fetch, noindex=page.noindex, detail=_joined(fetch.detail, page.note))
    if fetched.truncated:
        return replace(read, detail=_joined(
            "the page is larger than the cap; the link is not in the part read", page.note
        ))
    if fetched.redirects and not _same_page(fetched.url, fetched.final_url or ""):
        return replace(read, status=REDIRECTED, detail=_joined(
            "the page redirects to another page, which does not link to the target", page.note
        ))
    others = len(page.by_host.get(target_host, ()))
    detail = f"the page links to {target_host} {others} times, not to this URL" if others else ""
    return replace(read, status=MISSING, detail=_joined(detail, page.note))


def _joined(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _same_page(url: str, final_url: str) -> bool:
    """True for the redirects sites make to their canonical spelling of the same page.

    http→https, adding or dropping `www.` and a trailing slash keep the page; anything else
    is another page ("redirected elsewhere").
    """
    return _page_key(url) == _page_key(final_url)


def _page_key(url: str) -> str:
    normalized = normalize_url(url)
    if normalized is None:
        return url
    rest = normalized[0].split("://", 1)[1]
    rest = rest.removeprefix("www.")
    path, query_mark, query = rest.partition("?")
    return path.rstrip("/") + query_mark + query


def _host(url: str) -> str:
    normalized = normalize_url(url)
    return normalized[1] if normalized else ""

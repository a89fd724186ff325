"""URL and domain normalisation: the identity of links and referring domains.

A link is identified by its normalised (source URL, target URL). Normalisation lower-cases scheme
and host, encodes the host as IDNA (punycode), drops the default port and the fragment, and turns
an empty path into `/`. Path and query are kept exactly as given, and `http`/`https` or `www.`
variants stay distinct: they are different pages to a search engine.

Normalising is on the import hot path, so host work is cached: a profile has far fewer hosts
than URLs.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import idna
import tldextract

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_AUTHORITY = re.compile(r"[^/?#\\]*")
# `mailto:…`, `javascript:…`: a scheme, unlike the port in `example.com:8080/page`.
_OTHER_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):(\d+(?:[/?#]|$))?")

# Offline by design: the bundled Public Suffix List snapshot, private section included, so that
# `foo.blogspot.com` is its own referring domain (as Google's disavow treats it).
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)


def normalize_url(url: str) -> tuple[str, str] | None:
    """Return (normalised URL, host) for an http(s) URL, or None if it is not one.

    A URL without a scheme (`example.com/page`) is read as `http://`, as vendors sometimes
    export it that way.
    """
    text = url.strip()
    # Nearly every URL in an export starts like this: skip the general parsing below.
    if text[:8].lower() == "https://":
        scheme, rest = "https", text[8:]
    elif text[:7].lower() == "http://":
        scheme, rest = "http", text[7:]
    else:
        parsed = _scheme_and_rest(text)
        if parsed is None:
            return None
        scheme, rest = parsed
    end = _AUTHORITY.match(rest).end()  # type: ignore[union-attr]  # always matches
    authority, tail = rest[:end], rest[end:]
    if "#" in tail:
        tail = tail[: tail.index("#")]
    if not tail or tail[0] == "?":
        tail = "/" + tail
    netloc, host = _normalize_authority(scheme, authority)
    if not host:
        return None
    return f"{scheme}://{netloc}{tail}", host


def _scheme_and_rest(text: str) -> tuple[str, str] | None:
    sep = text.find("://")
    if sep > 0:
        scheme, rest = text[:sep].lower(), text[sep + 3 :]
    elif text.startswith("//"):
        scheme, rest = "http", text[2:]
    else:  # no scheme: `example.com/page`, but not `mailto:…`
        scheme, rest = "http", text
        other_scheme = _OTHER_SCHEME.match(text)
        if "." not in rest.split("/", 1)[0] or (other_scheme and not other_scheme[2]):
            return None
    return (scheme, rest) if scheme in _DEFAULT_PORTS else None


@lru_cache(maxsize=65_536)
def _normalize_authority(scheme: str, authority: str) -> tuple[str, str]:
    """Normalise `user@host:port` to (netloc, host); host is '' when it is not valid."""
    userinfo, at, hostport = authority.rpartition("@")
    port = ""
    if hostport.startswith("["):  # IPv6 literal
        close = hostport.find("]")
        if close < 0:
            return "", ""
        host = hostport[: close + 1].lower()
        if hostport[close + 1 : close + 2] == ":":
            port = hostport[close + 2 :]
    else:
        host, colon, port = hostport.partition(":")
        host = host.strip().lower().rstrip(".")
        if not colon:
            port = ""
    host = to_ascii_host(host)
    if not host or (port and not port.isdigit()):
        return "", ""
    netloc = host
    if port and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{port}"
    if at:
        netloc = f"{userinfo}@{netloc}"
    return netloc, host


@lru_cache(maxsize=65_536)
def to_ascii_host(host: str) -> str:
    """Return the punycode (IDNA) form of a host name; '' if it cannot be encoded."""
    host = host.strip().lower().rstrip(".")
    if host.isascii():
        return host if " " not in host else ""
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""


def to_unicode_host(host: str) -> str:
    """Return the readable Unicode form of a punycode host (for display only)."""
    if "xn--" not in host:
        return host
    try:
        return idna.decode(host)
    except idna.IDNAError:
        return host


@lru_cache(maxsize=65_536)
def registered_domain(host: str) -> str:
    """Return the referring domain of a host: its registered domain by the Public Suffix List.

    The private section counts (`foo.blogspot.com` is a domain of its own); an IP address, or a
    host without a public suffix, is its own referring domain.
    """
    if is_ip_host(host):
        return host
    parts = _EXTRACT(host)
    if not parts.suffix or not parts.domain:
        return host
    return f"{parts.domain}.{parts.suffix}"


def is_ip_host(host: str) -> bool:
    """True when the host is an IPv4 or IPv6 literal."""
    candidate = host[1:-1] if host.startswith("[") else host
    if not candidate or not (candidate[0].isdigit() or ":" in candidate):
        return False
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def site_root(site: str) -> str | None:
    """Return the normalised root URL (`https://host/`) of a site given as domain or URL."""
    text = site.strip()
    if "://" not in text:
        text = "https://" + text
    normalized = normalize_url(text)
    if normalized is None:
        return None
    url, host = normalized
    return url[: url.index(host) + len(host)] + "/"

"""URL and domain normalisation: the identity of links and referring domains.

A link is identified by its normalised (source URL, target URL). Normalisation lower-cases scheme
and host, encodes the host as IDNA (punycode), drops the default port and the fragment, and turns
an empty path into `/`. Path and query are kept exactly as given, and `http`/`https` or `www.`
variants stay distinct: they are different pages to a search engine.

A host must be a valid DNS name (after IDNA encoding: labels of letters, digits, hyphens and,
as real URLs have them, underscores; 1-63 characters each, no hyphen at either end, 253 in all),
an IPv4 address or a bracketed IPv6 address (`host_problem` says what is wrong otherwise). A URL
with any other host is not a URL here: imports skip its row, marks refuse it.

Normalising is on the import hot path, so host work is cached: a profile usually has far fewer
hosts than URLs. A wide one (a big site, a negative-SEO attack of throw-away domains) has about
one host per URL, so the common case, a plain lower-case ASCII host, also takes a short path that
gives the same result as the full checks: one regular expression for the host, one walk of the
Public Suffix List's labels for its registered domain.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache

import idna
import tldextract

from linkdesk.core.text import clip

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_AUTHORITY = re.compile(r"[^/?#\\]*")
_LDH_HOST = re.compile(
    r"(?!-)[a-z0-9_-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9_-]{1,63}(?<!-))*"
)
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")  # a URL parser reads it as an IPv4 part
MAX_HOST_CHARS = 253
MAX_LABEL_CHARS = 63
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


# Small: a miss on a plain host costs one regular expression, and a wide profile's million
# hosts would only fill a large cache (19 MB at 65,536 hosts, in each staging process).
@lru_cache(maxsize=8_192)
def _normalize_authority(scheme: str, authority: str) -> tuple[str, str]:
    """Normalise `user@host:port` to (netloc, host); host is '' when it is not valid."""
    if len(authority) <= MAX_HOST_CHARS and _plain_host(authority):
        return authority, authority  # what the checks below give it, without them
    userinfo, at, hostport = authority.rpartition("@")
    host, port = _split_host_port(hostport)
    host = to_ascii_host(host)
    if not host or (port and not port.isdigit()):
        return "", ""
    netloc = host
    if port and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{port}"
    if at:
        netloc = f"{userinfo}@{netloc}"
    return netloc, host


def _plain_host(host: str) -> bool:
    """Whether the checks of `_checked_host` accept `host` as it is: lower-case LDH labels,
    no punycode to verify, a last label no URL parser reads as part of an IPv4 address."""
    return (
        _LDH_HOST.fullmatch(host) is not None
        and "xn--" not in host
        and not host[host.rfind(".") + 1].isdigit()
    )


def _split_host_port(hostport: str) -> tuple[str, str]:
    """(host, port) of `host:port`; an IPv6 literal keeps its brackets."""
    if hostport.startswith("["):
        close = hostport.find("]")
        after = hostport[close + 1 :]
        if close < 0 or (after and after[0] != ":"):
            return hostport, ""  # not an IPv6 literal: host_problem names it
        return hostport[: close + 1].lower(), after[1:]
    host, _, port = hostport.partition(":")
    return host.strip().lower().rstrip("."), port


def url_problem(url: str) -> str:
    """Why `normalize_url(url)` is None, as words that follow the URL in a message
    ("is not an http(s) URL", "has an invalid host …"); '' when it is a valid URL."""
    text = url.strip()
    if not text:
        return "is empty"
    parsed = _scheme_and_rest(text)
    if parsed is None:
        return "is not an http(s) URL"
    rest = parsed[1]
    authority = rest[: _AUTHORITY.match(rest).end()]  # type: ignore[union-attr]
    host, port = _split_host_port(authority.rpartition("@")[2])
    problem = host_problem(host)
    if problem:
        return f"has an invalid host {_shown(host)}: {problem}"
    if port and not port.isdigit():
        return f"has an invalid port {_shown(port)}"
    return "" if normalize_url(text) else "is not an http(s) URL"


@lru_cache(maxsize=65_536)
def to_ascii_host(host: str) -> str:
    """Return the punycode (IDNA) form of a host name; '' if it is not a valid host name
    (see `host_problem`)."""
    ascii_host, problem = _checked_host(host)
    return "" if problem else ascii_host


def host_problem(host: str) -> str:
    """Why `host` is not a valid host name, IPv4 or bracketed IPv6 address; '' if it is one.

    `host` may be Unicode or punycode, in any case, with a final dot: as a URL gives it.
    The one check of host names: URLs, typed domains and disavow entries all go through it.
    """
    return _checked_host(host)[1]


@lru_cache(maxsize=65_536)
def _checked_host(host: str) -> tuple[str, str]:
    """(ASCII host, '') for a valid host; ('', why) otherwise."""
    host = host.strip().lower().rstrip(".")
    if not host:
        return "", "the host name is empty"
    if host.startswith("["):
        return _checked_ipv6(host)
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            try:  # IDNA 2003 still encodes some names browsers open (symbols, underscores)
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                return "", "it cannot be encoded as an international domain name (IDNA)"
    problem = _name_problem(host)
    return ("", problem) if problem else (host, "")


def _checked_ipv6(host: str) -> tuple[str, str]:
    if not host.endswith("]"):
        return "", f"{_shown(host)} is not a bracketed IPv6 address, e.g. [2001:db8::1]"
    try:
        ipaddress.IPv6Address(host[1:-1])
    except ValueError:
        return "", f"{_shown(host)} is not an IPv6 address"
    return host, ""


def _name_problem(host: str) -> str:
    """What is wrong with an ASCII host name (or IPv4 address); '' if nothing."""
    last = host[host.rfind(".") + 1 :]
    if last[:1].isdigit() and _NUMERIC_LABEL.fullmatch(last):  # a browser reads an IPv4 address
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return f"{_shown(host)} is not an IPv4 address"
        return ""
    if len(host) <= MAX_HOST_CHARS and _LDH_HOST.fullmatch(host):
        if "xn--" not in host:
            return ""
        bad = next((label for label in host.split(".") if label.startswith("xn--")
                    and not _is_punycode(label)), None)
        return f"the label {_shown(bad)} is not valid punycode" if bad else ""
    labels = host.split(".")
    bad_char = next((c for c in host if not (c.isalnum() and c.isascii()) and c not in "-_."),
                    None)
    if bad_char is not None:
        return f"{_shown(bad_char)} is not allowed in a host name"
    if len(host) > MAX_HOST_CHARS:
        return f"longer than {MAX_HOST_CHARS} characters ({len(host)})"
    for label in labels:
        if not label:
            return "an empty label (two dots in a row, or a dot at the start)"
        if len(label) > MAX_LABEL_CHARS:
            return f"a label longer than {MAX_LABEL_CHARS} characters ({len(label)})"
        if label[0] == "-" or label[-1] == "-":
            return f"the label {_shown(label)} starts or ends with a hyphen"
    return "not a valid host name"  # unreachable: the checks above cover _LDH_HOST


def _is_punycode(label: str) -> bool:
    try:
        label[4:].encode("ascii").decode("punycode")
    except UnicodeError:
        return False
    return True


def _shown(text: str, limit: int = 80) -> str:
    """`text` quoted for a message (control characters visible), cut as every message cuts."""
    return repr(clip(text, limit))


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
    return _registered_domain(host)


def registered_domains(hosts: Iterable[str]) -> list[str]:
    """`registered_domain` of each host, worked out once per distinct host of the batch (a wide
    profile has about one host per link: a cache of recent hosts would only churn)."""
    hosts = list(hosts)
    found = {host: _registered_domain(host) for host in set(hosts)}
    return list(map(found.__getitem__, hosts))


def _registered_domain(host: str) -> str:
    if is_ip_host(host):
        return host
    if _LDH_HOST.fullmatch(host) is None:  # not as a URL gives it: tldextract reads it
        parts = _EXTRACT(host)
        if not parts.suffix or not parts.domain:
            return host
        return f"{parts.domain}.{parts.suffix}"
    labels = host.split(".")
    start = _suffix_start(labels)
    return host if not start else ".".join(labels[start - 1 :])


_Trie = dict[str, "_Trie"]
_END = "."  # a key no label can be: a rule (public suffix) ends at this node


@lru_cache(maxsize=1)
def _suffix_trie() -> _Trie:
    """The Public Suffix List rules tldextract has (private ones included), by reversed label."""
    root: _Trie = {}
    for rule in _EXTRACT.tlds:
        node = root
        for label in reversed(rule.split(".")):
            node = node.setdefault(label, {})
        node[_END] = {}
    return root


def _suffix_start(labels: list[str]) -> int | None:
    """The index of the first label of the public suffix of a host's (lower-case ASCII) labels,
    None without one: tldextract's walk (longest rule, `*` wildcards, `!` exceptions)."""
    node = _suffix_trie()
    start = None
    index = len(labels)
    for label in reversed(labels):
        key = _unicode_label(label) if label.startswith("xn--") else label
        child = node.get(key)
        if child is not None:
            index -= 1
            node = child
            if _END in node:
                start = index
            continue
        if "*" in node:
            return index if "!" + key in node else index - 1
        break
    return start


def _unicode_label(label: str) -> str:
    """A punycode label as the Public Suffix List spells it (`xn--p1ai` -> `рф`)."""
    try:
        return idna.decode(label)
    except (UnicodeError, IndexError):
        return label


def is_public_suffix(host: str) -> bool:
    """Whether a (valid, punycode) host is a public suffix alone (`com`, `co.uk`,
    `blogspot.com`): not one site but a space where anyone registers sites."""
    if is_ip_host(host):
        return False
    parts = _EXTRACT(host)
    return bool(parts.suffix) and not parts.domain and not parts.subdomain


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

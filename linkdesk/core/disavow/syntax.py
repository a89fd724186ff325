"""One line of a Google disavow file: what it is, its normalised value, what is wrong with it.

Google's rules (see docs/disavow.md): one URL or one `domain:` entry per line, `#` starts a
comment line; `domain:` takes a bare domain name (no scheme, path, port, wildcard or space);
URLs are http(s) and at most 2,048 characters. Lines of any other shape can make Google reject
the whole file, so they are errors here. Hosts are normalised to punycode (IDNA).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkdesk.core import urls
from linkdesk.core.text import clip

MAX_LINES = 100_000  # blank and comment lines count
MAX_BYTES = 2 * 1024 * 1024
MAX_URL_CHARS = 2_048
DOMAIN_PREFIX = "domain:"

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


@dataclass(frozen=True)
class Line:
    """A classified line: `kind` is blank, comment, domain, url or invalid.

    `value` is the entry normalised (punycode host, or the normalised URL); `error` says why
    an invalid line is invalid; `warnings` are harmless but worth fixing.
    """

    kind: str
    value: str = ""
    error: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def is_entry(self) -> bool:
        """A domain or URL entry."""
        return self.kind in ("domain", "url")


def read_line(text: str) -> Line:
    """Classify one line (without its line end)."""
    stripped = text.strip()
    if not stripped:
        return Line("blank")
    if stripped.startswith("#"):
        return Line("comment", stripped[1:].strip())
    warnings: tuple[str, ...] = ()
    if stripped != text.rstrip("\r"):
        warnings = ("spaces around the entry",)
    if stripped[: len(DOMAIN_PREFIX)].lower() == DOMAIN_PREFIX:
        line = _domain_line(stripped)
        if stripped[: len(DOMAIN_PREFIX)] != DOMAIN_PREFIX:
            warnings += ("write domain: in lower case",)
    else:
        line = _url_line(stripped)
    return Line(line.kind, line.value, line.error, warnings + line.warnings)


def domain_value(name: str) -> str | None:
    """A domain name (Unicode or punycode, any case) in punycode; None if it is not one.

    An IPv4 address passes (a warning says Google's `domain:` takes names); a bracketed IPv6
    address does not: `domain:[…]` is no domain at all.
    """
    host = name.strip().lower().rstrip(".")
    if host.startswith("["):
        return None
    ascii_host = urls.to_ascii_host(host)
    if not ascii_host or ("." not in ascii_host and not urls.is_ip_host(ascii_host)):
        return None
    return ascii_host


def url_value(url: str) -> str | None:
    """An http(s) URL normalised as `links.source_url` is; None if it is not one."""
    if not _SCHEME.match(url) or url.split(":", 1)[0].lower() not in ("http", "https"):
        return None
    normalized = urls.normalize_url(url)
    return normalized[0] if normalized else None


def entry_text(kind: str, value: str) -> str:
    """The line that writes an entry."""
    return f"{DOMAIN_PREFIX}{value}" if kind == "domain" else value


def _domain_line(text: str) -> Line:
    name = text[len(DOMAIN_PREFIX):]
    if not name:
        return Line("invalid", error="domain: without a domain name")
    if name[0].isspace():
        return Line("invalid", error="no space allowed after domain:")
    if any(c.isspace() for c in name):
        return Line("invalid", error="a space inside the entry (comments go on their own "
                                     "line, starting with #)")
    if "://" in name or (_SCHEME.match(name) and not name.split(":", 1)[1][:1].isdigit()):
        return Line("invalid", error="domain: takes a domain name, not a URL (no http://)")
    if "/" in name:
        return Line("invalid", error="domain: cannot take a path (disavow the page URLs, "
                                     "or the whole domain)")
    if "*" in name:
        return Line("invalid", error="no wildcards: domain:example.com already covers every "
                                     "subdomain")
    if name.startswith("["):
        return Line("invalid", error="domain: takes a domain name, not an IPv6 address "
                                     "(disavow the page URLs on it)")
    if ":" in name:
        return Line("invalid", error="domain: cannot take a port")
    value = domain_value(name)
    if value is None:
        why = urls.host_problem(name) or "a domain has a dot (example.com)"
        return Line("invalid", error=f"{clip(name)!r} is not a valid domain name: {why}")
    warnings: tuple[str, ...] = (
        ("non-ASCII domain: punycode (xn--…) is safer",) if not name.isascii() else ())
    if urls.is_ip_host(value):
        warnings += (IP_DOMAIN_WARNING,)
    elif urls.is_public_suffix(value):
        warnings += (public_suffix_warning(value),)
    return Line("domain", value, warnings=warnings)


IP_DOMAIN_WARNING = ("an IP address: Google's domain: takes domain names; disavow the page "
                     "URLs on it instead")


def public_suffix_warning(suffix: str) -> str:
    """What is wrong with a `domain:` entry for a public suffix such as co.uk."""
    return (f"{suffix} is a public suffix, not one site: domain:{suffix} disavows every site "
            f"registered under it (disavow the domains under it, e.g. example.{suffix})")


def _url_line(text: str) -> Line:
    if any(c.isspace() for c in text):
        return Line("invalid", error="a space inside the entry (comments go on their own "
                                     "line, starting with #)")
    if "*" in text.split("?", 1)[0]:
        return Line("invalid", error="no wildcards (*) in disavow entries")
    scheme = _SCHEME.match(text)
    if scheme is None or "://" not in text:
        hint = ""
        host = text.split("/", 1)[0]
        if domain_value(host) is not None:
            hint = (f" (write domain:{host.lower()} for the whole domain"
                    + (f", https://{clip(text)} for the page)" if "/" in text else ")"))
        return Line("invalid", error=f"not a URL nor a domain: entry{hint}; a URL starts "
                                     "with http:// or https://")
    if scheme[1].lower() not in ("http", "https"):
        return Line("invalid", error=f"only http and https URLs can be disavowed, not "
                                     f"{clip(scheme[1], 40)}:")
    if len(text) > MAX_URL_CHARS:
        return Line("invalid", error=f"URL longer than {MAX_URL_CHARS:,} characters "
                                     f"({len(text):,})")
    value = url_value(text)
    if value is None:
        return Line("invalid", error="not a valid URL (bad host name)")
    return Line("url", value)

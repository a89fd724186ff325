"""Link identity: URL normalisation and referring domains."""

from __future__ import annotations

import pytest

from linkdesk.core.urls import normalize_url, registered_domain, site_root, to_unicode_host


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM", "https://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/Path/Page?Q=1#frag", "https://example.com/Path/Page?Q=1"),
        ("https://example.com?x=1", "https://example.com/?x=1"),
        ("https://bücher.de/katalog", "https://xn--bcher-kva.de/katalog"),
        ("  https://example.com/a b  ", "https://example.com/a b"),
        ("example.com/page", "http://example.com/page"),
        ("https://example.com./", "https://example.com/"),
        ("http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
    ],
)
def test_normalize_url(raw: str, expected: str) -> None:
    normalized = normalize_url(raw)
    assert normalized is not None
    assert normalized[0] == expected


def test_scheme_and_www_variants_stay_distinct() -> None:
    variants = {
        normalize_url(url)[0]  # type: ignore[index]
        for url in ("http://example.com/", "https://example.com/", "https://www.example.com/")
    }
    assert len(variants) == 3


@pytest.mark.parametrize("raw", ["", "   ", "mailto:a@example.com", "ftp://example.com/", "foo"])
def test_not_a_web_url(raw: str) -> None:
    assert normalize_url(raw) is None


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("foo.blogspot.com", "foo.blogspot.com"),  # the private section counts
        ("a.b.github.io", "b.github.io"),
        ("blog.example.com", "example.com"),
        ("192.168.10.4", "192.168.10.4"),
        ("[2001:db8::1]", "[2001:db8::1]"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("localhost", "localhost"),
    ],
)
def test_registered_domain(host: str, domain: str) -> None:
    assert registered_domain(host) == domain


def test_site_root_and_display() -> None:
    assert site_root("Acme-Widgets.com") == "https://acme-widgets.com/"
    assert site_root("http://acme-widgets.com/shop") == "http://acme-widgets.com/"
    assert to_unicode_host("xn--bcher-kva.de") == "bücher.de"

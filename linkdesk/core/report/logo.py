"""The freelancer's logo for the report: read with a bound, and known to be a PNG or JPEG.

    logo = read_logo(path)      Logo(data, mime), or BrandingError saying what is wrong

The file's first bytes decide its kind, not its name. SVG is refused (a drawing program can
export it as PNG): an SVG can carry scripts and external references, and Qt's rich text cannot
draw it without an extra module. At most MAX_BYTES are ever read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linkdesk.core.report.branding import BrandingError

MAX_BYTES = 5 * 1024 * 1024  # a logo is a few KB; 5 MB is already a photograph
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Logo:
    """The logo's bytes and their MIME type (image/png or image/jpeg)."""

    data: bytes
    mime: str


def read_logo(name: str | Path) -> Logo:
    """The logo at `name`; BrandingError names the file and the problem."""
    path = Path(name)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)  # never more, whatever the file's size
    except FileNotFoundError:
        raise BrandingError(f"logo {path}: no such file") from None
    except IsADirectoryError:
        raise BrandingError(f"logo {path}: is a folder, not an image file") from None
    except OSError as error:
        raise BrandingError(f"logo {path}: cannot read it ({error.strerror or error})") from None
    if len(data) > MAX_BYTES:
        raise BrandingError(f"logo {path}: larger than {MAX_BYTES // (1024 * 1024)} MB; "
                            "use a smaller PNG or JPEG (a logo needs a few hundred KB at most)")
    for signature, mime in _SIGNATURES.items():
        if data.startswith(signature):
            return Logo(data, mime)
    head = data[:512].lstrip().lower()
    if path.suffix.lower() in (".svg", ".svgz") or head.startswith((b"<?xml", b"<svg")):
        raise BrandingError(f"logo {path}: SVG images cannot be used; export the logo as "
                            "PNG or JPEG")
    raise BrandingError(f"logo {path}: not a PNG or JPEG image")

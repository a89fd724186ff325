"""Render LinkDesk's icon files from `resources/icons/linkdesk.svg` at build time.

    python packaging/make_icons.py OUT_FOLDER

writes into OUT_FOLDER:

* `hicolor/NxN/apps/linkdesk.png` for the Linux icon theme (and `scalable/apps/linkdesk.svg`),
* `linkdesk.ico` for the Windows executable,
* `linkdesk.icns` for the macOS bundle,
* `linkdesk.png` (256 px).

Qt (QSvgRenderer) draws the PNGs; the ICO and ICNS containers are written here, holding those
PNGs as they are (both formats accept PNG entries: ICO since Windows Vista, ICNS since 10.5/10.7).
So the build needs no Pillow and no `iconutil`, and the same script works on every platform.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parent.parent / "resources" / "icons" / "linkdesk.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types holding PNG data, by pixel size (the @2x types share a size with a 1x one).
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
    (b"ic14", 512),
)


def render_png(svg: bytes, size: int) -> bytes:
    """The SVG drawn on a transparent square of `size` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("the icon SVG cannot be read")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("Qt cannot write PNG")
    return bytes(buffer.data().data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding the PNGs (ICONDIR, one ICONDIRENTRY each, then the images)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding the PNGs ('icns', length, then type/length/data entries)."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(out: Path, svg_path: Path = SVG) -> dict[str, Path]:
    """Write every icon file into `out`; returns the main ones by kind (png, ico, icns)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(["make_icons"])
    svg = svg_path.read_bytes()
    sizes = sorted({*HICOLOR_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: render_png(svg, size) for size in sizes}
    out.mkdir(parents=True, exist_ok=True)
    for size in HICOLOR_SIZES:
        folder = out / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "linkdesk.png").write_bytes(pngs[size])
    scalable = out / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg_path, scalable / "linkdesk.svg")
    made = {
        "png": out / "linkdesk.png",
        "ico": out / "linkdesk.ico",
        "icns": out / "linkdesk.icns",
    }
    made["png"].write_bytes(pngs[256])
    made["ico"].write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    made["icns"].write_bytes(icns_bytes(pngs))
    return made


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python packaging/make_icons.py OUT_FOLDER")
    for kind, path in make_icons(Path(sys.argv[1])).items():
        print(f"{kind}: {path} ({path.stat().st_size} bytes)")

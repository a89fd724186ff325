"""Writing the client report: a self-contained HTML file, or a PDF by Qt's own engine.

    write_report(data, path, page="a4")    .html or .pdf, chosen by the suffix

PDF: the HTML (html.py) laid out by a QTextDocument at 96 dpi into the page's body, drawn
page by page with QPdfWriter; each page gets a header (the site, the title) and a footer
(the freelancer's footer text, "Page 2 of 9"). Qt's layout moves a table row that would be
cut by the page's end to the next page, and repeats each table's header row there.
HTML: one file, charts and logo embedded as data: URIs, no external request.
Runs on a worker thread as well as on the GUI thread: QTextDocument is reentrant and QPainter
may paint on a QImage or a PDF writer outside the GUI thread (Qt's "Thread-Support in Qt
Modules"); only the charts, drawn by widgets, need the GUI thread (pass them in `charts`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from linkdesk.core.files import ProtectedFileError, refuse_project_file, write_atomically
from linkdesk.core.report import BrandingError, ReportCancelled, ReportData
from linkdesk.core.report.logo import read_logo
from linkdesk.core.report.texts import text
from linkdesk.ui.report.charts import ChartImage, chart_images
from linkdesk.ui.report.html import report_html
from linkdesk.ui.report.paging import keep_together

PAGES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
DPI = 96  # the document's pixels are screen pixels: image widths and fonts as in a browser
MARGIN_MM = (16, 20, 16, 18)  # left, top, right, bottom: the header and footer live in them
FORMATS = (".pdf", ".html", ".htm")
LOGO_PIXELS = 256  # the logo's height in the PDF: sharp when printed at 64 px (4x)

Progress = Callable[[int, int], None]  # (pages drawn, pages)


class ReportError(Exception):
    """The report cannot be written; the message names the file and the problem."""


def write_report(data: ReportData, path: Path, page: str = "a4",
                 charts: list[ChartImage] | None = None, *,
                 protect: Iterable[str | Path] = (), progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> int:
    """Write the report to `path` (.pdf or .html); returns its size in bytes.

    Like every export it goes through `write_atomically` (core/files.py): never half a file,
    never over a project (`protect`: the open project, refused by name or as the same file).
    `progress(done, pages)` follows the PDF's pages; `cancelled()` is asked between them
    (ReportCancelled: nothing was written). `charts` is required off the GUI thread.
    """
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(f"{path}: write the report to a .pdf or .html file")
    if page not in PAGES:
        raise ReportError(f"page size {page!r}: use a4 or letter")
    try:
        refuse_project_file(path, protect)  # before drawing the charts, not after
    except ProtectedFileError as error:
        raise ReportError(str(error)) from None
    logo = _logo(data)
    if charts is None:
        charts = chart_images(data.profile)
    try:
        content = (_pdf_bytes(data, charts, logo, page, progress, cancelled or _never)
                   if suffix == ".pdf" else _html_bytes(data, charts, logo))
        if cancelled is not None and cancelled():
            raise ReportCancelled
        with write_atomically(path, protect=protect, binary=True) as out:
            out.write(content)
        return path.stat().st_size
    except ProtectedFileError as error:
        raise ReportError(str(error)) from None
    except OSError as error:
        raise ReportError(f"{path}: cannot write it ({error.strerror or error})") from None


def _never() -> bool:
    return False


def _logo(data: ReportData) -> tuple[bytes, str] | None:
    """The logo's bytes and MIME type, None when there is none; ReportError when unusable."""
    if not data.branding.logo:
        return None
    try:
        logo = read_logo(data.branding.logo)
    except BrandingError as error:
        raise ReportError(f"{error} (change it in the report settings)") from None
    image = QImage.fromData(logo.data)
    if image.isNull():
        raise ReportError(f"logo {data.branding.logo}: the image is damaged or cannot be read")
    return logo.data, logo.mime


def _data_uri(raw: bytes, kind: str) -> str:
    return f"data:{kind};base64,{base64.b64encode(raw).decode('ascii')}"


def _html_bytes(data: ReportData, charts: list[ChartImage],
                logo: tuple[bytes, str] | None) -> bytes:
    document = report_html(data, charts, lambda c: _data_uri(c.png, "image/png"),
                           _data_uri(*logo) if logo else None, browser=True)
    return document.encode("utf-8")


def build_document(data: ReportData, charts: list[ChartImage],
                   logo: tuple[bytes, str] | None, body: QSizeF) -> QTextDocument:
    """The report as a QTextDocument paginated to `body` (pixels at DPI)."""
    document = QTextDocument()
    document.setDocumentMargin(0)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    document.setDefaultFont(font)
    for chart in charts:
        image = QImage.fromData(chart.png)  # Qt reads the format from the PNG's signature
        document.addResource(QTextDocument.ResourceType.ImageResource,
                             QUrl(f"chart:{chart.name}"), image)
    logo_src = None
    if logo is not None:
        image = QImage.fromData(logo[0])
        if not image.isNull():
            if image.height() > LOGO_PIXELS:  # drawn 64 px high: a big one only bloats the PDF
                image = image.scaledToHeight(LOGO_PIXELS,
                                             Qt.TransformationMode.SmoothTransformation)
            logo_src = "logo:image"
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(logo_src),
                                 image)
    document.setHtml(report_html(data, charts, lambda c: f"chart:{c.name}", logo_src,
                                 browser=False))
    document.setPageSize(body)
    keep_together(document)
    return document


def _pdf_bytes(data: ReportData, charts: list[ChartImage], logo: tuple[bytes, str] | None,
               page: str, progress: Progress | None, cancelled: Callable[[], bool]) -> bytes:
    buffer = QBuffer()  # the file itself is written by write_atomically
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(PAGES[page]), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setTitle(f"{text('title')} – {data.site}")
    writer.setCreator(data.branding.name or "LinkDesk")
    full = writer.pageLayout().fullRectPixels(DPI)
    mm = DPI / 25.4
    left, top, right, bottom = (value * mm for value in MARGIN_MM)
    body = QSizeF(full.width() - left - right, full.height() - top - bottom)
    document = build_document(data, charts, logo, body)
    pages = document.pageCount()
    if cancelled():
        raise ReportCancelled
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("Qt cannot draw the PDF")
    try:
        for number in range(pages):
            if number:
                writer.newPage()
            _page_frame(painter, data, number + 1, pages, full.width(), full.height(),
                        (left, top, right, bottom))
            painter.save()
            painter.translate(left, top - number * body.height())
            document.drawContents(painter, QRectF(0, number * body.height(), body.width(),
                                                  body.height()))
            painter.restore()
            if progress is not None:
                progress(number + 1, pages)
            if cancelled():
                raise ReportCancelled
    finally:
        painter.end()
    return bytes(buffer.data().data())


def _page_frame(painter: QPainter, data: ReportData, number: int, pages: int, width: float,
                height: float, margins: tuple[float, float, float, float]) -> None:
    """Header and footer of one page (not the cover's header)."""
    left, top, right, bottom = margins
    font = QFont("DejaVu Sans")
    font.setPointSizeF(8)
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.darkGray)
    inner = width - left - right
    if number > 1:
        header = QRectF(left, top * 0.35, inner, top * 0.45)
        painter.drawText(header, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         f"{text('title')} · {data.site}")
        if data.branding.name:
            painter.drawText(header, Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, data.branding.name)
        painter.drawLine(int(left), int(top * 0.8), int(width - right), int(top * 0.8))
    footer = QRectF(left, height - bottom * 0.75, inner, bottom * 0.45)
    if data.branding.footer:
        painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         data.branding.footer)
    painter.drawText(footer, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                     text("page", page=number, pages=pages))

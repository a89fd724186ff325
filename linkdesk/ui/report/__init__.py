"""The client report rendered (Qt): charts from the Dashboard's code, HTML, PDF, the window's
File ▸ Export Report… and File ▸ Report Settings…

    charts.py    chart_images(profile): the Dashboard's charts as PNG images
    html.py      report_html(...): one builder for the HTML file and the PDF
    document.py  write_report(data, path, page): .pdf (QPdfWriter) or .html (self-contained)
"""

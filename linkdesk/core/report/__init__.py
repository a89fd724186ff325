"""The client report's data: everything it shows, gathered without Qt (ui/report renders it).

    texts.py     every text of the report (one place, for translations)
    branding.py  the freelancer's name, logo, colour and footer: user settings, project override
    logo.py      the logo read with a bound, checked to be a PNG or JPEG
    verdict.py   the verdict on disavowing (Google's guidance)
    data.py      gather_report(db, since) -> ReportData
"""

from linkdesk.core.report.branding import (
    Branding,
    BrandingError,
    effective_branding,
    project_branding,
    save_project_branding,
    save_user_branding,
    user_branding,
)
from linkdesk.core.report.data import (
    STEPS,
    DomainRow,
    DomainTable,
    ReportCancelled,
    ReportData,
    gather_report,
    report_steps,
)
from linkdesk.core.report.verdict import Verdict, disavow_verdict

__all__ = [
    "STEPS",
    "Branding",
    "BrandingError",
    "DomainRow",
    "DomainTable",
    "ReportCancelled",
    "ReportData",
    "Verdict",
    "disavow_verdict",
    "effective_branding",
    "gather_report",
    "project_branding",
    "report_steps",
    "save_project_branding",
    "save_user_branding",
    "user_branding",
]

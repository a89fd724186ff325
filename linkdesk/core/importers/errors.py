"""The error of a file that cannot be read as an export."""

from __future__ import annotations


class ExportReadError(Exception):
    """The file cannot be read as an export; the message names the file and the problem."""

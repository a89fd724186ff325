"""The store's error for the user: a project file, or a value in it, that cannot be used."""

from __future__ import annotations


class ProjectError(Exception):
    """A project file cannot be opened or used; the message is meant for the user."""

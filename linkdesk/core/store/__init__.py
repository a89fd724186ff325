"""The project file: schema, migrations, merging and the queries the app runs on it."""

from linkdesk.core.store.project import Project, ProjectError, atomic, transaction

__all__ = ["Project", "ProjectError", "atomic", "transaction"]

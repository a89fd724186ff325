"""LinkDesk: a desktop backlink manager for SEO freelancers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("linkdesk")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

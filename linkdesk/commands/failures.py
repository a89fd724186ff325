"""How a command fails: every error a user can cause becomes one line naming the file and problem.

`run_guarded` runs a command and turns what escapes it into a message and an exit status:
a project that cannot be used, a database error (damaged, read-only, full, busy), a file that
cannot be read or written, a closed pipe (`linkdesk stats | head`: quiet, as other Unix tools
are), and text that is not valid UTF-8. No traceback reaches the user; LINKDESK_DEBUG=1 shows it.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from linkdesk.commands import EXIT_FAILED
from linkdesk.core.store import ProjectError
from linkdesk.core.store.health import database_problem, is_busy
from linkdesk.core.text import clip

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left


def run_guarded(command: str, options: argparse.Namespace | None,
                run: Callable[[], int]) -> int:
    """Run a command; any failure a user can cause is printed as `linkdesk COMMAND: message`."""
    prefix = f"linkdesk {command}: " if command else "linkdesk: "
    try:
        status = int(run())
        if sys.stdout is not None:  # None under pythonw (the `linkdesk-gui` launcher)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return status
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print(f"{prefix}interrupted; the change under way was undone", file=sys.stderr)
        return EXIT_FAILED
    except ProjectError as error:
        return _fail(prefix, str(error))
    except sqlite3.Error as error:
        project = _project_path(options)
        if is_busy(error):
            # Another process (the window importing or re-scoring, say) held the project's
            # write lock past the busy timeout: nothing was changed by this command.
            return _fail(prefix, "the project is busy (another program is writing to it); "
                                 "nothing was changed: try again when it has finished")
        return _fail(prefix, database_problem(project, error) if project else str(error))
    except OSError as error:
        return _fail(prefix, os_error_text(error))
    except (UnicodeDecodeError, UnicodeEncodeError) as error:
        return _fail(prefix, f"text that is not valid UTF-8 ({error.reason}): give file "
                             "names and text in UTF-8")
    except UnicodeError as error:  # a bare one has no `.reason`, e.g. an IDNA label too long
        return _fail(prefix, f"text that cannot be encoded ({clip(str(error))})")
    except Exception as error:  # a bug: still a message, with a way to see the traceback
        if os.environ.get("LINKDESK_DEBUG"):
            traceback.print_exc()
        return _fail(prefix, f"unexpected error ({type(error).__name__}: "
                             f"{clip(str(error))}); please report it (LINKDESK_DEBUG=1 "
                             "shows the details)")


def os_error_text(error: OSError) -> str:
    """`FILE: problem` for an OSError (the file when the error names one)."""
    problem = error.strerror or str(error)
    if error.filename is None:
        return problem
    return f"{shown(error.filename)}: {problem}"


def undecodable_argument(options: argparse.Namespace) -> str | None:
    """A message for the first argument that is not valid UTF-8 text, or None.

    On Linux a command line is bytes; Python keeps bytes that are not UTF-8 as lone
    surrogates, which no file, database or terminal accepts. Such a value is refused up front,
    named, with its bytes shown as \\xNN.
    """
    for name, value in vars(options).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | Path) and _has_surrogates(str(item)):
                what = "file name" if isinstance(item, Path) else "text"
                option = "" if name in ("project", "files", "file") else \
                    f"--{name.replace('_', '-')}: "
                fix = "rename the file" if isinstance(item, Path) else "type it in UTF-8"
                return f"{option}{shown(item)}: the {what} is not valid UTF-8; {fix}"
    return None


def shown(value: object) -> str:
    """A file name or text as it can be printed: undecodable bytes as \\xNN, long text clipped."""
    text = os.fsdecode(value) if isinstance(value, bytes) else str(value)
    if _has_surrogates(text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return clip(text)


def _fail(prefix: str, message: str) -> int:
    print(prefix + message, file=sys.stderr)
    return EXIT_FAILED


def _project_path(options: argparse.Namespace | None) -> Path | None:
    project = getattr(options, "project", None)
    return Path(project) if project is not None else None


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in text)


def _silence_stdout() -> None:
    # The Python docs' recipe: output to a closed pipe goes nowhere from now on, so the
    # interpreter's last flush at exit cannot fail again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

"""The packaged app's entry point: the `linkdesk` command (window or subcommand).

`linkdesk.cli.main` calls `multiprocessing.freeze_support()` first, so the second process of a
big import (spawned from this same executable) runs its job instead of the app.
"""

from linkdesk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

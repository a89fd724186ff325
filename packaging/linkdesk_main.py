"""The packaged app's entry point: the `linkdesk` command (window or subcommand).

A process that multiprocessing spawns from this same executable (the second process of a big
import or of a wide profile's first score, and multiprocessing's resource tracker) is handled by
`freeze_support()` before the app's own modules are imported: it runs its job and exits without
loading the CLI, Qt or numpy. `linkdesk.cli.main` calls it again (a no-op by then).
"""

if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()

    from linkdesk.cli import main

    raise SystemExit(main())

"""Zhilian Desk (驻点直联工作台).

    python main.py [--db PATH]   opens the window
    python main.py <command>     runs a batch job without one (``--help`` lists them)
"""

from __future__ import annotations

import sys


def window_db_argument(argv: list[str]) -> tuple[bool, str | None]:
    """Whether the arguments ask for the window, and its ``--db`` if given.

    Checked by hand so that opening the window does not import every batch command's
    libraries (openpyxl, reportlab) on the way: start-up time is something users feel.
    """
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--db":
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--db="):
        return True, argv[0].split("=", 1)[1]
    return False, None


def main() -> int:
    window, db = window_db_argument(sys.argv[1:])
    if window:
        from ui.app import run_gui

        return run_gui(db)
    from app import cli

    cli._utf8_console()
    args = cli.parse(sys.argv[1:])
    if args.command is None:
        from ui.app import run_gui

        return run_gui(args.db)
    return cli.run(args)


if __name__ == "__main__":
    sys.exit(main())

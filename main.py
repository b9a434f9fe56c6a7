"""Zhilian Desk (驻点直联工作台).

    python main.py             opens the window
    python main.py <command>   runs a batch job without one (``--help`` lists them)
"""

from __future__ import annotations

import sys


def main() -> int:
    from app import cli

    cli._utf8_console()
    args = cli.parse(sys.argv[1:])
    if args.command is None:
        from ui.app import run_gui

        return run_gui(args.db)
    return cli.run(args)


if __name__ == "__main__":
    sys.exit(main())

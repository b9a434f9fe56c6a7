"""Loading the data layer (SQLAlchemy, the models, the services) once the window is up."""

from __future__ import annotations

import builtins
from importlib import import_module

from ui import PLAIN_IMPORT

# What the first pages need; anything else loads on use as usual.
DATA_MODULES = ("app.db.database", "app.services.teams", "app.services.people",
                "app.services.communities", "app.services.households", "app.services.settings")


def import_data_layer() -> None:
    """Import the data layer with Python's own importer.

    shiboken6 replaces ``builtins.__import__`` with a hook that checks every newly imported
    module for its ``__feature__`` choices; over SQLAlchemy's ~200 modules that costs 0.1-0.15 s
    of start-up (measured here). ``app`` never imports Qt, so the hook has nothing to do for
    these modules. Called on the UI thread before any worker starts: no other import can run
    meanwhile and see the swap.
    """
    hook = builtins.__import__
    builtins.__import__ = PLAIN_IMPORT
    try:
        for name in DATA_MODULES:
            import_module(name)
    finally:
        builtins.__import__ = hook

"""The window: Qt widgets, table models and dialogs over ``app.services``.

Nothing here runs SQL or decides a rule; pages ask the services inside one ``db.session()``
per user action and copy what they show into plain values before the session closes.
"""

import builtins

# Python's own importer, kept before anything imports Qt: shiboken6 replaces it with a hook
# (see ui.data_layer). If Qt was loaded first (as under pytest-qt) this is that hook, which is
# merely slower.
PLAIN_IMPORT = builtins.__import__

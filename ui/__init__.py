"""The window: Qt widgets, table models and dialogs over ``app.services``.

Nothing here runs SQL or decides a rule; pages ask the services inside one ``db.session()``
per user action and copy what they show into plain values before the session closes.
"""

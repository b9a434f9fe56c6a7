"""The document kit: the parts every printed output is built from.

``app.documents.xlsx`` gives workbooks (styles, page set-up, row heights, the fast row writer);
``app.documents.pdf`` gives PDFs (fonts, styles, the official head, tables, page numbers).
Each document (a ledger, a form, the bulletin, the minutes …) is one module on top of them.
"""

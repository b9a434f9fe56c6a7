"""The month's forms for the upward submission (附件1, 附件2, the key-visit register and its
progress, the written report) and the office's bulletin (月通报), as print-ready xlsx and PDF.

Each function reads through the session with the usual permission checks (VIEW_RECORDS, a
liaison or leader only their own teams; ``team_id`` None is every team the actor may read —
the whole town for the office), writes one file and returns its path.
"""

from app.forms.bulletin_pdf import bulletin_pdf
from app.forms.bulletin_xlsx import bulletin_xlsx
from app.forms.form1 import Form1Row, form1_pdf, form1_rows, form1_xlsx
from app.forms.form2 import Form2Row, form2_pdf, form2_rows, form2_totals, form2_xlsx
from app.forms.register import register_pdf, register_xlsx
from app.forms.report import report_pdf

__all__ = ["Form1Row", "Form2Row", "bulletin_pdf", "bulletin_xlsx", "form1_pdf", "form1_rows",
           "form1_xlsx", "form2_pdf", "form2_rows", "form2_totals", "form2_xlsx",
           "register_pdf", "register_xlsx", "report_pdf"]

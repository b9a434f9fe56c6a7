"""Meeting outputs: the sign-in sheet and the minutes as PDF (``pdf``), the monthly attendance
register as xlsx (``attendance_xlsx``). The records themselves live in app/services/meetings."""

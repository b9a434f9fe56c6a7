"""Printed and exported outputs of the spot checks (issue 7): the monthly report to the party
committee (``report_pdf.check_report_pdf``) and a cadre's personal file for the annual
assessment (``personal_file.personal_file_pdf`` / ``personal_file_xlsx``)."""

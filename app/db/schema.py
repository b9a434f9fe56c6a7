"""The schema revisions this version of the program knows, oldest first.

Kept here as plain data so start-up can check a file's revision without importing Alembic;
a test keeps it equal to the migration scripts.
"""

KNOWN_REVISIONS: tuple[str, ...] = ("0001_initial", "0002_users_audit", "0003_cards",
                                   "0004_ledgers", "0005_visits", "0006_problem_categories",
                                   "0008_meetings", "0009_spot_checks",
                                   "0010_submissions", "0011_issued_documents",
                                   "0012_sign_in_throttle", "0013_entry_rules",
                                   "0014_more_entry_rules")
HEAD = KNOWN_REVISIONS[-1]

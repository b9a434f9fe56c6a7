"""抽查督查: ledger checks, field patrols, meeting supervision, rectification, personal files."""

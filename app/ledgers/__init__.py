"""Print-ready exports of the team's written record (驻点日志, 接待台账, 问题台账, …)."""

from app.ledgers.export import (KINDS, LedgerKind, export_ledger, export_log, export_problems,
                                export_reception, export_register, export_visits, parse_month)

__all__ = ["KINDS", "LedgerKind", "export_ledger", "export_log", "export_problems",
           "export_reception", "export_register", "export_visits", "parse_month"]

"""The audit trail: who changed what, when; append-only and hash-chained."""

from app.audit.chain import verify
from app.audit.recorder import ACTION_LABELS, ENTITY_LABELS, bulk, record

__all__ = ["ACTION_LABELS", "ENTITY_LABELS", "bulk", "record", "verify"]

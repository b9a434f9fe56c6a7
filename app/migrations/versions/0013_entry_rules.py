"""Keep entries honest (issue 15): the reason minutes were finalised with attendees who were
present but did not sign (会议记录 未签名原因).

Revision ID: 0013_entry_rules
Revises: 0012_sign_in_throttle
Create Date: 2026-12-21 02:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0013_entry_rules'
down_revision = '0012_sign_in_throttle'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('meeting', sa.Column('unsigned_reason', sa.Text(), server_default='',
                                       nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('unsigned_reason')

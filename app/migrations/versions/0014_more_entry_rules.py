"""Keep entries honest (issue 15), continued: the town's telephone area code (电话区号), put
before a landline typed without one (6123456 → 0750-6123456).

Revision ID: 0014_more_entry_rules
Revises: 0013_entry_rules
Create Date: 2026-12-22 02:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0014_more_entry_rules'
down_revision = '0013_entry_rules'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('town_settings', sa.Column('area_code', sa.String(length=6), server_default='',
                                             nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('town_settings', schema=None) as batch_op:
        batch_op.drop_column('area_code')

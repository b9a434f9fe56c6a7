"""Failed sign-ins per computer, so throttling applies per computer too, not only per account.

Revision ID: 0012_sign_in_throttle
Revises: 0011_issued_documents
Create Date: 2026-12-20 02:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0012_sign_in_throttle'
down_revision = '0011_issued_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('host', sa.String(length=80), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('host', name=op.f('pk_sign_in_throttle'))
    )


def downgrade() -> None:
    op.drop_table('sign_in_throttle')

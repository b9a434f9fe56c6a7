"""Problem categories (问题类别) with their default deadlines, as town settings; seeded with the
categories and days the program used until now.

Revision ID: 0006_problem_categories
Revises: 0005_visits
Create Date: 2026-12-10 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0006_problem_categories'
down_revision = '0005_visits'
branch_labels = None
depends_on = None

# The categories and default deadlines (days) fixed in code before this revision; frozen here.
SEED = (("矛盾纠纷", 7), ("治安消防", 7), ("环境卫生", 15), ("民生救助", 15), ("政策咨询", 7),
        ("基础设施", 30), ("村务管理", 30), ("其他", 15))


def upgrade() -> None:
    table = op.create_table('problem_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('deadline_days', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('deadline_days >= 1 AND deadline_days <= 365', name=op.f('ck_problem_category_deadline_days')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_category')),
    sa.UniqueConstraint('name', name=op.f('uq_problem_category_name'))
    )
    op.bulk_insert(table, [
        {"name": name, "deadline_days": days, "position": i, "active": True, "version": 1}
        for i, (name, days) in enumerate(SEED)])


def downgrade() -> None:
    op.drop_table('problem_category')

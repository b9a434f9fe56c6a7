"""Contact cards: the clerk's card design per team and community, print records and
deliveries to households (发放到户).

Revision ID: 0003_cards
Revises: 0002_users_audit
Create Date: 2026-12-01 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003_cards'
down_revision = '0002_users_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('card_design',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('back_text', sa.String(length=300), nullable=False),
    sa.Column('qr_role', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("qr_role IN ('town_liaison', 'leader', 'community_liaison')", name=op.f('ck_card_design_qr_role')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_card_design_community_id_community'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_card_design_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_design')),
    sa.UniqueConstraint('team_id', 'community_id', name='uq_card_design_team_id_community_id')
    )
    op.create_index(op.f('ix_card_design_community_id'), 'card_design', ['community_id'], unique=False)
    op.create_index(op.f('ix_card_design_team_id'), 'card_design', ['team_id'], unique=False)
    op.create_table('card_print',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.Column('printed_by', sa.Integer(), nullable=True),
    sa.Column('households', sa.Boolean(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_card_print_community_id_community'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['printed_by'], ['app_user.id'], name=op.f('fk_card_print_printed_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_card_print_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_print'))
    )
    op.create_index(op.f('ix_card_print_community_id'), 'card_print', ['community_id'], unique=False)
    op.create_index('ix_card_print_team_community', 'card_print', ['team_id', 'community_id'], unique=False)
    op.create_table('card_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('delivered_by', sa.Integer(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_card_delivery_community_id_community'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delivered_by'], ['app_user.id'], name=op.f('fk_card_delivery_delivered_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_card_delivery_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_card_delivery_team_id_team'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_delivery'))
    )
    op.create_index('ix_card_delivery_community_household', 'card_delivery', ['community_id', 'household_id'], unique=False)
    op.create_index(op.f('ix_card_delivery_household_id'), 'card_delivery', ['household_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_card_delivery_household_id'), table_name='card_delivery')
    op.drop_index('ix_card_delivery_community_household', table_name='card_delivery')
    op.drop_table('card_delivery')
    op.drop_index('ix_card_print_team_community', table_name='card_print')
    op.drop_index(op.f('ix_card_print_community_id'), table_name='card_print')
    op.drop_table('card_print')
    op.drop_index(op.f('ix_card_design_team_id'), table_name='card_design')
    op.drop_index(op.f('ix_card_design_community_id'), table_name='card_design')
    op.drop_table('card_design')

"""Visits (入户走访) with their visitors and the problems raised, and the town's visit targets
(each household N times a year, each team's key households per month).

Revision ID: 0005_visits
Revises: 0004_ledgers
Create Date: 2026-12-03 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005_visits'
down_revision = '0004_ledgers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_visit_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_visit_household_id_household'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_visit_recorded_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_visit_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    op.create_index('ix_visit_community_visited_on', 'visit', ['community_id', 'visited_on'], unique=False)
    op.create_index('ix_visit_household_visited_on', 'visit', ['household_id', 'visited_on'], unique=False)
    op.create_index('ix_visit_team_visited_on', 'visit', ['team_id', 'visited_on'], unique=False)
    op.create_index(op.f('ix_visit_visited_on'), 'visit', ['visited_on'], unique=False)
    op.create_table('visit_problem',
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_visit_problem_problem_id_problem'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_problem_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', 'problem_id', name=op.f('pk_visit_problem'))
    )
    op.create_index(op.f('ix_visit_problem_problem_id'), 'visit_problem', ['problem_id'], unique=False)
    op.create_table('visit_visitor',
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_visit_visitor_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_visitor_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', 'person_id', name=op.f('pk_visit_visitor'))
    )
    op.create_index(op.f('ix_visit_visitor_person_id'), 'visit_visitor', ['person_id'], unique=False)
    op.add_column('town_settings', sa.Column('visits_per_household_per_year', sa.Integer(), server_default='1', nullable=False))
    op.add_column('town_settings', sa.Column('key_visits_per_team_per_month', sa.Integer(), server_default='20', nullable=False))


def downgrade() -> None:
    op.drop_column('town_settings', 'key_visits_per_team_per_month')
    op.drop_column('town_settings', 'visits_per_household_per_year')
    op.drop_index(op.f('ix_visit_visitor_person_id'), table_name='visit_visitor')
    op.drop_table('visit_visitor')
    op.drop_index(op.f('ix_visit_problem_problem_id'), table_name='visit_problem')
    op.drop_table('visit_problem')
    op.drop_index(op.f('ix_visit_visited_on'), table_name='visit')
    op.drop_index('ix_visit_team_visited_on', table_name='visit')
    op.drop_index('ix_visit_household_visited_on', table_name='visit')
    op.drop_index('ix_visit_community_visited_on', table_name='visit')
    op.drop_table('visit')

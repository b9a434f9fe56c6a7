"""Ledgers: station log (驻点日志) with members and households met, reception record (接待台账),
problem ledger (问题台账) and each problem's status steps.

Revision ID: 0004_ledgers
Revises: 0003_cards
Create Date: 2026-12-02 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004_ledgers'
down_revision = '0003_cards'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('station_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('reception', 'home_visit', 'condolence', 'forum', 'hearing', 'appointment', 'return_visit', 'make_up', name='sessionkind', native_enum=False, length=24), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('make_up_announced_on', sa.Date(), nullable=True),
    sa.Column('make_up_for', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_station_session_hours')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_station_session_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_station_session_recorded_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_station_session_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_station_session'))
    )
    op.create_index(op.f('ix_station_session_community_id'), 'station_session', ['community_id'], unique=False)
    op.create_index(op.f('ix_station_session_held_on'), 'station_session', ['held_on'], unique=False)
    op.create_index('ix_station_session_team_held_on', 'station_session', ['team_id', 'held_on'], unique=False)
    op.create_table('problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('source', sa.Enum('source_log', 'source_visit', 'source_reception', 'source_hotline', 'source_meeting', 'source_other', name='problemsource', native_enum=False, length=24), nullable=False),
    sa.Column('station_session_id', sa.Integer(), nullable=True),
    sa.Column('reporter_household_id', sa.Integer(), nullable=True),
    sa.Column('reporter_person_id', sa.Integer(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('reporter_name', sa.String(length=60), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('level', sa.Enum('on_site', 'in_community', 'referred', 'party_committee', name='handlinglevel', native_enum=False, length=24), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=60), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'in_progress', 'done', 'fed_back', 'closed', name='problemstatus', native_enum=False, length=24), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('budget', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('subsidy', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('expected_completion', sa.Date(), nullable=True),
    sa.Column('feedback_method', sa.Enum('notice_board', 'online', 'in_person', 'by_phone', name='feedbackmethod', native_enum=False, length=24), nullable=True),
    sa.Column('feedback_on', sa.Date(), nullable=True),
    sa.Column('satisfaction', sa.Enum('satisfied', 'fairly_satisfied', 'unsatisfied', name='satisfaction', native_enum=False, length=24), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('seq > 0', name=op.f('ck_problem_seq')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_problem_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['leader_id'], ['person.id'], name=op.f('fk_problem_leader_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_problem_recorded_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_household_id'], ['household.id'], name=op.f('fk_problem_reporter_household_id_household'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_person_id'], ['person.id'], name=op.f('fk_problem_reporter_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['station_session_id'], ['station_session.id'], name=op.f('fk_problem_station_session_id_station_session'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_problem_team_id_team'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem')),
    sa.UniqueConstraint('community_id', 'year', 'seq', name='uq_problem_community_year_seq'),
    sa.UniqueConstraint('number', name=op.f('uq_problem_number'))
    )
    op.create_index('ix_problem_community_reported_on', 'problem', ['community_id', 'reported_on'], unique=False)
    op.create_index(op.f('ix_problem_leader_id'), 'problem', ['leader_id'], unique=False)
    op.create_index(op.f('ix_problem_reporter_household_id'), 'problem', ['reporter_household_id'], unique=False)
    op.create_index(op.f('ix_problem_station_session_id'), 'problem', ['station_session_id'], unique=False)
    op.create_index('ix_problem_status_deadline', 'problem', ['status', 'deadline'], unique=False)
    op.create_index(op.f('ix_problem_team_id'), 'problem', ['team_id'], unique=False)
    op.create_table('station_session_household',
    sa.Column('station_session_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_station_session_household_household_id_household'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['station_session_id'], ['station_session.id'], name=op.f('fk_station_session_household_station_session_id_station_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('station_session_id', 'household_id', name=op.f('pk_station_session_household'))
    )
    op.create_index(op.f('ix_station_session_household_household_id'), 'station_session_household', ['household_id'], unique=False)
    op.create_table('station_session_member',
    sa.Column('station_session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_station_session_member_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['station_session_id'], ['station_session.id'], name=op.f('fk_station_session_member_station_session_id_station_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('station_session_id', 'person_id', name=op.f('pk_station_session_member'))
    )
    op.create_index(op.f('ix_station_session_member_person_id'), 'station_session_member', ['person_id'], unique=False)
    op.create_table('problem_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('registered', 'in_progress', 'done', 'fed_back', 'closed', name='problemstatus', native_enum=False, length=24), nullable=True),
    sa.Column('to_status', sa.Enum('registered', 'in_progress', 'done', 'fed_back', 'closed', name='problemstatus', native_enum=False, length=24), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('by_user', sa.Integer(), nullable=True),
    sa.Column('by_name', sa.String(length=60), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['by_user'], ['app_user.id'], name=op.f('fk_problem_step_by_user_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_problem_step_problem_id_problem'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_step'))
    )
    op.create_index(op.f('ix_problem_step_problem_id'), 'problem_step', ['problem_id'], unique=False)
    op.create_table('reception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('station_session_id', sa.Integer(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('visitor_name', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=24), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('matter', sa.Text(), nullable=False),
    sa.Column('handling', sa.Text(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_reception_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_reception_household_id_household'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_reception_problem_id_problem'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_reception_recorded_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['station_session_id'], ['station_session.id'], name=op.f('fk_reception_station_session_id_station_session'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_reception_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reception'))
    )
    op.create_index(op.f('ix_reception_community_id'), 'reception', ['community_id'], unique=False)
    op.create_index(op.f('ix_reception_household_id'), 'reception', ['household_id'], unique=False)
    op.create_index(op.f('ix_reception_problem_id'), 'reception', ['problem_id'], unique=False)
    op.create_index(op.f('ix_reception_station_session_id'), 'reception', ['station_session_id'], unique=False)
    op.create_index('ix_reception_team_received_on', 'reception', ['team_id', 'received_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reception_team_received_on', table_name='reception')
    op.drop_index(op.f('ix_reception_station_session_id'), table_name='reception')
    op.drop_index(op.f('ix_reception_problem_id'), table_name='reception')
    op.drop_index(op.f('ix_reception_household_id'), table_name='reception')
    op.drop_index(op.f('ix_reception_community_id'), table_name='reception')
    op.drop_table('reception')
    op.drop_index(op.f('ix_problem_step_problem_id'), table_name='problem_step')
    op.drop_table('problem_step')
    op.drop_index(op.f('ix_station_session_member_person_id'), table_name='station_session_member')
    op.drop_table('station_session_member')
    op.drop_index(op.f('ix_station_session_household_household_id'), table_name='station_session_household')
    op.drop_table('station_session_household')
    op.drop_index(op.f('ix_problem_team_id'), table_name='problem')
    op.drop_index('ix_problem_status_deadline', table_name='problem')
    op.drop_index(op.f('ix_problem_station_session_id'), table_name='problem')
    op.drop_index(op.f('ix_problem_reporter_household_id'), table_name='problem')
    op.drop_index(op.f('ix_problem_leader_id'), table_name='problem')
    op.drop_index('ix_problem_community_reported_on', table_name='problem')
    op.drop_table('problem')
    op.drop_index('ix_station_session_team_held_on', table_name='station_session')
    op.drop_index(op.f('ix_station_session_held_on'), table_name='station_session')
    op.drop_index(op.f('ix_station_session_community_id'), table_name='station_session')
    op.drop_table('station_session')

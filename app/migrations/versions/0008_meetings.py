"""Meetings (会议) with sign-in, minutes, action items, scanned sign-in sheets and amendments.

Revision ID: 0008_meetings
Revises: 0006_problem_categories
Create Date: 2026-11-22 01:30:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008_meetings'
down_revision = '0006_problem_categories'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('weekly_meeting', 'monthly_meeting', 'committee_meeting', 'joint_meeting', 'meeting_forum', 'meeting_hearing', name='meetingkind', native_enum=False, length=24), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('host_id', sa.Integer(), nullable=True),
    sa.Column('recorder_id', sa.Integer(), nullable=True),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('finalised_at', sa.DateTime(), nullable=True),
    sa.Column('finalised_by', sa.Integer(), nullable=True),
    sa.Column('finalised_by_name', sa.String(length=60), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_meeting_hours')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_meeting_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['finalised_by'], ['app_user.id'], name=op.f('fk_meeting_finalised_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['host_id'], ['person.id'], name=op.f('fk_meeting_host_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_meeting_recorded_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorder_id'], ['person.id'], name=op.f('fk_meeting_recorder_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    op.create_index(op.f('ix_meeting_community_id'), 'meeting', ['community_id'], unique=False)
    op.create_index(op.f('ix_meeting_held_on'), 'meeting', ['held_on'], unique=False)
    op.create_index('ix_meeting_kind_held_on', 'meeting', ['kind', 'held_on'], unique=False)
    op.create_table('meeting_agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('discussion', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_agenda_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_agenda_item'))
    )
    op.create_index(op.f('ix_meeting_agenda_item_meeting_id'), 'meeting_agenda_item', ['meeting_id'], unique=False)
    op.create_table('meeting_amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_amendment_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_meeting_amendment_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_amendment'))
    )
    op.create_index(op.f('ix_meeting_amendment_meeting_id'), 'meeting_amendment', ['meeting_id'], unique=False)
    op.create_table('meeting_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('unit', sa.String(length=80), nullable=False),
    sa.Column('post', sa.String(length=80), nullable=False),
    sa.Column('expected', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('attended', 'late', 'on_leave', 'absent', name='attendance', native_enum=False, length=24), nullable=True),
    sa.Column('arrived_at', sa.Time(), nullable=True),
    sa.Column('leave_reason', sa.String(length=200), nullable=False),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_attendee_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_meeting_attendee_person_id_person'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendee')),
    sa.UniqueConstraint('meeting_id', 'person_id', name='uq_meeting_attendee_person')
    )
    op.create_index(op.f('ix_meeting_attendee_meeting_id'), 'meeting_attendee', ['meeting_id'], unique=False)
    op.create_index(op.f('ix_meeting_attendee_person_id'), 'meeting_attendee', ['person_id'], unique=False)
    op.create_table('meeting_sign_in_scan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mime', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('original', sa.LargeBinary(), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['app_user.id'], name=op.f('fk_meeting_sign_in_scan_added_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_sign_in_scan_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_sign_in_scan'))
    )
    op.create_index(op.f('ix_meeting_sign_in_scan_meeting_id'), 'meeting_sign_in_scan', ['meeting_id'], unique=False)
    op.create_table('meeting_team',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_team_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_meeting_team_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('meeting_id', 'team_id', name=op.f('pk_meeting_team'))
    )
    op.create_index(op.f('ix_meeting_team_team_id'), 'meeting_team', ['team_id'], unique=False)
    op.create_table('meeting_action_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('created_problem', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['meeting_agenda_item.id'], name=op.f('fk_meeting_action_item_agenda_item_id_meeting_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_action_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_meeting_action_item_owner_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_meeting_action_item_problem_id_problem'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_action_item'))
    )
    op.create_index(op.f('ix_meeting_action_item_meeting_id'), 'meeting_action_item', ['meeting_id'], unique=False)
    op.create_index(op.f('ix_meeting_action_item_problem_id'), 'meeting_action_item', ['problem_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_meeting_action_item_problem_id'), table_name='meeting_action_item')
    op.drop_index(op.f('ix_meeting_action_item_meeting_id'), table_name='meeting_action_item')
    op.drop_table('meeting_action_item')
    op.drop_index(op.f('ix_meeting_team_team_id'), table_name='meeting_team')
    op.drop_table('meeting_team')
    op.drop_index(op.f('ix_meeting_sign_in_scan_meeting_id'), table_name='meeting_sign_in_scan')
    op.drop_table('meeting_sign_in_scan')
    op.drop_index(op.f('ix_meeting_attendee_person_id'), table_name='meeting_attendee')
    op.drop_index(op.f('ix_meeting_attendee_meeting_id'), table_name='meeting_attendee')
    op.drop_table('meeting_attendee')
    op.drop_index(op.f('ix_meeting_amendment_meeting_id'), table_name='meeting_amendment')
    op.drop_table('meeting_amendment')
    op.drop_index(op.f('ix_meeting_agenda_item_meeting_id'), table_name='meeting_agenda_item')
    op.drop_table('meeting_agenda_item')
    op.drop_index('ix_meeting_kind_held_on', table_name='meeting')
    op.drop_index(op.f('ix_meeting_held_on'), table_name='meeting')
    op.drop_index(op.f('ix_meeting_community_id'), table_name='meeting')
    op.drop_table('meeting')

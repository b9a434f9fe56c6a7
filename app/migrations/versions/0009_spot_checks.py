"""Spot checks (抽查督查): the checklist, ledger checks, field patrols, meeting supervision,
findings with rectification, amendments; the town's check settings.

Revision ID: 0009_spot_checks
Revises: 0008_meetings
Create Date: 2026-11-22 02:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0009_spot_checks'
down_revision = '0008_meetings'
branch_labels = None
depends_on = None

# The checklist of the 赤溪镇 plan (the town edits it in 设置); evidence keys name the figures
# the app fills in (app/services/check_evidence.py).
CHECKLIST = (
    ("驻点日志", "每个驻点日都有日志，时间、地点、人员、事项齐全", "station_log", 20),
    ("问题台账", "问题登记、办理、反馈、销案完整，按时办结", "problems", 20),
    ("驻点团队记录本", "团队工作记录连续、内容真实", "", 10),
    ("会议记录和签到", "每周周会有记录和签到，月度会议按时参加", "meetings", 20),
    ("重点走访登记册", "重点户每月走访，全年覆盖", "key_visits", 20),
    ("公开栏相片", "每月按时更新公开栏并上报相片", "notice_photos", 10),
)


def upgrade() -> None:
    template = op.create_table('check_item_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('guidance', sa.String(length=300), nullable=False),
    sa.Column('evidence', sa.String(length=30), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_item_template')),
    sa.UniqueConstraint('name', name=op.f('uq_check_item_template_name'))
    )
    op.create_table('field_patrol',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patrol_on', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('checkers', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('reported_by_name', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_patrol'))
    )
    op.create_index(op.f('ix_field_patrol_patrol_on'), 'field_patrol', ['patrol_on'], unique=False)
    op.create_table('field_patrol_community',
    sa.Column('patrol_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_field_patrol_community_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['patrol_id'], ['field_patrol.id'], name=op.f('fk_field_patrol_community_patrol_id_field_patrol'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('patrol_id', 'community_id', name=op.f('pk_field_patrol_community'))
    )
    op.create_index(op.f('ix_field_patrol_community_community_id'), 'field_patrol_community', ['community_id'], unique=False)
    op.create_table('ledger_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('check_monthly', 'check_full', name='checkkind', native_enum=False, length=24), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('pool', sa.Text(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('notice_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('checker', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('reported_by_name', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_ledger_check_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_check')),
    sa.UniqueConstraint('year', 'month', 'kind', 'team_id', name='uq_ledger_check_month_team')
    )
    op.create_index(op.f('ix_ledger_check_team_id'), 'ledger_check', ['team_id'], unique=False)
    op.create_table('patrol_sighting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patrol_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('whereabouts', sa.Enum('at_work', 'found_absent', 'excused', 'perfunctory', name='whereabouts', native_enum=False, length=24), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_patrol_sighting_community_id_community'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patrol_id'], ['field_patrol.id'], name=op.f('fk_patrol_sighting_patrol_id_field_patrol'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_patrol_sighting_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_patrol_sighting_team_id_team'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_sighting')),
    sa.UniqueConstraint('patrol_id', 'person_id', name='uq_patrol_sighting_person')
    )
    op.create_index(op.f('ix_patrol_sighting_patrol_id'), 'patrol_sighting', ['patrol_id'], unique=False)
    op.create_index(op.f('ix_patrol_sighting_person_id'), 'patrol_sighting', ['person_id'], unique=False)
    op.create_table('check_amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_check_amendment_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_amendment'))
    )
    op.create_index('ix_check_amendment_entity', 'check_amendment', ['entity', 'entity_id'], unique=False)
    op.create_table('ledger_check_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('result', sa.Enum('item_pass', 'item_fail', name='itemresult', native_enum=False, length=24), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['ledger_check.id'], name=op.f('fk_ledger_check_item_check_id_ledger_check'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['check_item_template.id'], name=op.f('fk_ledger_check_item_template_id_check_item_template'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_check_item'))
    )
    op.create_index(op.f('ix_ledger_check_item_check_id'), 'ledger_check_item', ['check_id'], unique=False)
    op.create_table('meeting_supervision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('supervised_on', sa.Date(), nullable=False),
    sa.Column('supervisor', sa.String(length=120), nullable=False),
    sa.Column('held_as_scheduled', sa.Boolean(), nullable=True),
    sa.Column('minutes_complete', sa.Boolean(), nullable=True),
    sa.Column('sign_in_complete', sa.Boolean(), nullable=True),
    sa.Column('signatures_match', sa.Boolean(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('reported_by_name', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_supervision_meeting_id_meeting'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_supervision'))
    )
    op.create_index(op.f('ix_meeting_supervision_meeting_id'), 'meeting_supervision', ['meeting_id'], unique=False)
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('from_ledger_check', 'late_delivery', 'from_patrol', 'from_supervision', name='findingsource', native_enum=False, length=24), nullable=False),
    sa.Column('ledger_check_id', sa.Integer(), nullable=True),
    sa.Column('patrol_id', sa.Integer(), nullable=True),
    sa.Column('supervision_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('severity', sa.Enum('minor', 'major', 'serious', name='severity', native_enum=False, length=24), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('requirement', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('finding_open', 'finding_responded', 'finding_closed', name='findingstatus', native_enum=False, length=24), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('recheck_on', sa.Date(), nullable=True),
    sa.Column('recheck_passed', sa.Boolean(), nullable=True),
    sa.Column('recheck_note', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ledger_check_id'], ['ledger_check.id'], name=op.f('fk_finding_ledger_check_id_ledger_check'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['patrol_id'], ['field_patrol.id'], name=op.f('fk_finding_patrol_id_field_patrol'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_finding_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['supervision_id'], ['meeting_supervision.id'], name=op.f('fk_finding_supervision_id_meeting_supervision'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_finding_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding'))
    )
    op.create_index(op.f('ix_finding_found_on'), 'finding', ['found_on'], unique=False)
    op.create_index(op.f('ix_finding_ledger_check_id'), 'finding', ['ledger_check_id'], unique=False)
    op.create_index(op.f('ix_finding_patrol_id'), 'finding', ['patrol_id'], unique=False)
    op.create_index(op.f('ix_finding_person_id'), 'finding', ['person_id'], unique=False)
    op.create_index('ix_finding_status_deadline', 'finding', ['status', 'deadline'], unique=False)
    op.create_index(op.f('ix_finding_supervision_id'), 'finding', ['supervision_id'], unique=False)
    op.create_index(op.f('ix_finding_team_id'), 'finding', ['team_id'], unique=False)
    op.add_column('town_settings', sa.Column('full_check_months', sa.String(length=40), server_default='6,12', nullable=False))
    op.add_column('town_settings', sa.Column('check_due_days', sa.Integer(), server_default='7', nullable=False))
    op.add_column('town_settings', sa.Column('patrol_weekday', sa.Integer(), server_default='4', nullable=False))
    op.add_column('town_settings', sa.Column('patrol_start', sa.Time(), server_default='14:30:00', nullable=False))
    op.add_column('town_settings', sa.Column('patrol_end', sa.Time(), server_default='17:30:00', nullable=False))
    op.bulk_insert(template, [
        {"name": name, "guidance": guidance, "evidence": evidence, "points": points,
          "position": i, "active": True, "version": 1}
        for i, (name, guidance, evidence, points) in enumerate(CHECKLIST)])


def downgrade() -> None:
    op.drop_column('town_settings', 'patrol_end')
    op.drop_column('town_settings', 'patrol_start')
    op.drop_column('town_settings', 'patrol_weekday')
    op.drop_column('town_settings', 'check_due_days')
    op.drop_column('town_settings', 'full_check_months')
    op.drop_index(op.f('ix_finding_team_id'), table_name='finding')
    op.drop_index(op.f('ix_finding_supervision_id'), table_name='finding')
    op.drop_index('ix_finding_status_deadline', table_name='finding')
    op.drop_index(op.f('ix_finding_person_id'), table_name='finding')
    op.drop_index(op.f('ix_finding_patrol_id'), table_name='finding')
    op.drop_index(op.f('ix_finding_ledger_check_id'), table_name='finding')
    op.drop_index(op.f('ix_finding_found_on'), table_name='finding')
    op.drop_table('finding')
    op.drop_index(op.f('ix_meeting_supervision_meeting_id'), table_name='meeting_supervision')
    op.drop_table('meeting_supervision')
    op.drop_index(op.f('ix_ledger_check_item_check_id'), table_name='ledger_check_item')
    op.drop_table('ledger_check_item')
    op.drop_index('ix_check_amendment_entity', table_name='check_amendment')
    op.drop_table('check_amendment')
    op.drop_index(op.f('ix_patrol_sighting_person_id'), table_name='patrol_sighting')
    op.drop_index(op.f('ix_patrol_sighting_patrol_id'), table_name='patrol_sighting')
    op.drop_table('patrol_sighting')
    op.drop_index(op.f('ix_ledger_check_team_id'), table_name='ledger_check')
    op.drop_table('ledger_check')
    op.drop_index(op.f('ix_field_patrol_community_community_id'), table_name='field_patrol_community')
    op.drop_table('field_patrol_community')
    op.drop_index(op.f('ix_field_patrol_patrol_on'), table_name='field_patrol')
    op.drop_table('field_patrol')
    op.drop_table('check_item_template')

"""Upward submission: funding projects (附件2) with decisions, disbursements and progress; the
year's funds; notice-board photos and stored files; written reports; received submissions and
imported packages; the committee's decision on a problem; the submission deadlines.

Revision ID: 0010_submissions
Revises: 0009_spot_checks
Create Date: 2026-11-22 02:30:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0010_submissions'
down_revision = '0009_spot_checks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('funding_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_funding_year'))
    )
    op.create_table('stored_file',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_stored_file'))
    )
    op.create_table('written_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_written_report_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_report')),
    sa.UniqueConstraint('team_id', 'year', 'month', name='uq_written_report_month')
    )
    op.create_index(op.f('ix_written_report_team_id'), 'written_report', ['team_id'], unique=False)
    op.create_table('funding_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('budget', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('subsidy', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('urgency', sa.Enum('urgency_high', 'urgency_medium', 'urgency_normal', name='urgency', native_enum=False, length=24), nullable=False),
    sa.Column('status', sa.Enum('project_applied', 'project_approved', 'project_refused', 'project_completed', name='projectstatus', native_enum=False, length=24), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('approved_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=False),
    sa.Column('expected_completion', sa.Date(), nullable=True),
    sa.Column('actual_completion', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('budget >= 0 AND subsidy >= 0', name=op.f('ck_funding_project_money')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_funding_project_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_funding_project_recorded_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_funding_project_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_project')),
    sa.UniqueConstraint('uid', name=op.f('uq_funding_project_uid'))
    )
    op.create_index(op.f('ix_funding_project_applied_on'), 'funding_project', ['applied_on'], unique=False)
    op.create_index(op.f('ix_funding_project_community_id'), 'funding_project', ['community_id'], unique=False)
    op.create_index(op.f('ix_funding_project_team_id'), 'funding_project', ['team_id'], unique=False)
    op.create_table('notice_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('photo_far', 'photo_near', name='photokind', native_enum=False, length=24), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('original_sha', sa.String(length=64), nullable=False),
    sa.Column('image_sha', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['app_user.id'], name=op.f('fk_notice_photo_added_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_notice_photo_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['image_sha'], ['stored_file.sha256'], name=op.f('fk_notice_photo_image_sha_stored_file'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['original_sha'], ['stored_file.sha256'], name=op.f('fk_notice_photo_original_sha_stored_file'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_photo')),
    sa.UniqueConstraint('community_id', 'year', 'month', 'original_sha', name='uq_notice_photo_month_file')
    )
    op.create_index(op.f('ix_notice_photo_community_id'), 'notice_photo', ['community_id'], unique=False)
    op.create_table('submission_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('app_version', sa.String(length=40), nullable=False),
    sa.Column('manifest', sa.Text(), nullable=False),
    sa.Column('received_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['received_by'], ['app_user.id'], name=op.f('fk_submission_package_received_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_submission_package_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_package')),
    sa.UniqueConstraint('sha256', name=op.f('uq_submission_package_sha256'))
    )
    op.create_index(op.f('ix_submission_package_team_id'), 'submission_package', ['team_id'], unique=False)
    op.create_table('funding_disbursement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_funding_disbursement_amount')),
    sa.ForeignKeyConstraint(['project_id'], ['funding_project.id'], name=op.f('fk_funding_disbursement_project_id_funding_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_disbursement'))
    )
    op.create_index(op.f('ix_funding_disbursement_project_id'), 'funding_disbursement', ['project_id'], unique=False)
    op.create_table('funding_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('percent >= 0 AND percent <= 100', name=op.f('ck_funding_progress_percent')),
    sa.ForeignKeyConstraint(['project_id'], ['funding_project.id'], name=op.f('fk_funding_progress_project_id_funding_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_progress')),
    sa.UniqueConstraint('project_id', 'year', 'month', name='uq_funding_progress_month')
    )
    op.create_index(op.f('ix_funding_progress_project_id'), 'funding_progress', ['project_id'], unique=False)
    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('sub_photos', 'sub_form1', 'sub_form2', 'sub_register', 'sub_report', name='submissionkind', native_enum=False, length=24), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['submission_package.id'], name=op.f('fk_submission_package_id_submission_package'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_submission_team_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('team_id', 'year', 'month', 'kind', name='uq_submission_item')
    )
    op.create_index(op.f('ix_submission_team_id'), 'submission', ['team_id'], unique=False)
    op.add_column('problem', sa.Column('committee_decided_on', sa.Date(), nullable=True))
    op.add_column('problem', sa.Column('committee_decision', sa.Text(), server_default='', nullable=False))
    op.add_column('town_settings', sa.Column('photos_due_day', sa.Integer(), server_default='3', nullable=False))
    op.add_column('town_settings', sa.Column('forms_due_day', sa.Integer(), server_default='30', nullable=False))
    op.add_column('town_settings', sa.Column('due_soon_days', sa.Integer(), server_default='5', nullable=False))


def downgrade() -> None:
    op.drop_column('town_settings', 'due_soon_days')
    op.drop_column('town_settings', 'forms_due_day')
    op.drop_column('town_settings', 'photos_due_day')
    op.drop_column('problem', 'committee_decision')
    op.drop_column('problem', 'committee_decided_on')
    op.drop_index(op.f('ix_submission_team_id'), table_name='submission')
    op.drop_table('submission')
    op.drop_index(op.f('ix_funding_progress_project_id'), table_name='funding_progress')
    op.drop_table('funding_progress')
    op.drop_index(op.f('ix_funding_disbursement_project_id'), table_name='funding_disbursement')
    op.drop_table('funding_disbursement')
    op.drop_index(op.f('ix_submission_package_team_id'), table_name='submission_package')
    op.drop_table('submission_package')
    op.drop_index(op.f('ix_notice_photo_community_id'), table_name='notice_photo')
    op.drop_table('notice_photo')
    op.drop_index(op.f('ix_funding_project_team_id'), table_name='funding_project')
    op.drop_index(op.f('ix_funding_project_community_id'), table_name='funding_project')
    op.drop_index(op.f('ix_funding_project_applied_on'), table_name='funding_project')
    op.drop_table('funding_project')
    op.drop_index(op.f('ix_written_report_team_id'), table_name='written_report')
    op.drop_table('written_report')
    op.drop_table('stored_file')
    op.drop_table('funding_year')

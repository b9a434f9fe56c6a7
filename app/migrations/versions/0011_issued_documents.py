"""Red-header documents: the town's issuing organ, document-number prefix, 抄送 and 印发机关;
the documents issued (印发) with their numbers, dates and the PDF as issued.

Revision ID: 0011_issued_documents
Revises: 0010_submissions
Create Date: 2026-12-08 02:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0011_issued_documents'
down_revision = '0010_submissions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('issued_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('doc_bulletin', 'doc_check_report', name='documentkind', native_enum=False, length=24), nullable=False),
    sa.Column('period_year', sa.Integer(), nullable=False),
    sa.Column('period_month', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organ', sa.String(length=80), nullable=False),
    sa.Column('copy_to', sa.Text(), nullable=False),
    sa.Column('printing_organ', sa.String(length=80), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('printed_on', sa.Date(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('issued_by_name', sa.String(length=60), nullable=False),
    sa.Column('pdf_sha', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_issued_document_number')),
    sa.ForeignKeyConstraint(['issued_by'], ['app_user.id'], name=op.f('fk_issued_document_issued_by_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pdf_sha'], ['stored_file.sha256'], name=op.f('fk_issued_document_pdf_sha_stored_file'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_document')),
    sa.UniqueConstraint('kind', 'period_year', 'period_month', name='uq_issued_document_period'),
    sa.UniqueConstraint('prefix', 'year', 'number', name='uq_issued_document_number')
    )
    op.add_column('town_settings', sa.Column('issuing_organ', sa.String(length=80), server_default='', nullable=False))
    op.add_column('town_settings', sa.Column('doc_prefix', sa.String(length=20), server_default='', nullable=False))
    op.add_column('town_settings', sa.Column('copy_to', sa.String(length=400), server_default='', nullable=False))
    op.add_column('town_settings', sa.Column('printing_organ', sa.String(length=80), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('town_settings', schema=None) as batch_op:
        batch_op.drop_column('printing_organ')
        batch_op.drop_column('copy_to')
        batch_op.drop_column('doc_prefix')
        batch_op.drop_column('issuing_organ')
    op.drop_table('issued_document')

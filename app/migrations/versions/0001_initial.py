"""Initial schema: town settings, communities and grids, people, teams and memberships,
households and key-group tags, and the data revision counter.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-21 19:31:01.002217
"""
from __future__ import annotations

import datetime

from alembic import op
import sqlalchemy as sa


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('community',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('village', 'community', 'cooperative', name='communitykind', native_enum=False, length=24), nullable=False),
    sa.Column('office_address', sa.String(length=120), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community')),
    sa.UniqueConstraint('name', name=op.f('uq_community_name'))
    )
    op.create_table('data_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_revision'))
    )
    op.create_table('key_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_group')),
    sa.UniqueConstraint('name', name=op.f('uq_key_group_name'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, length=24), nullable=True),
    sa.Column('unit', sa.String(length=80), nullable=False),
    sa.Column('position', sa.String(length=80), nullable=False),
    sa.Column('category', sa.Enum('town_leader', 'town_cadre', 'committee_member', 'grid_worker', 'legal_adviser', 'volunteer', 'deputy', 'other', name='personcategory', native_enum=False, length=24), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('landline', sa.String(length=24), nullable=False),
    sa.Column('resident_id', sa.String(length=18), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('retired_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('resident_id', name=op.f('uq_person_resident_id'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_mobile'), ['mobile'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name'), ['name'], unique=False)

    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('station_weekday', sa.Integer(), nullable=False),
    sa.Column('station_start', sa.Time(), nullable=False),
    sa.Column('station_end', sa.Time(), nullable=False),
    sa.Column('station_place', sa.String(length=120), nullable=False),
    sa.Column('hotline', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('dissolved_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('station_end > station_start', name=op.f('ck_team_hours')),
    sa.CheckConstraint('station_weekday BETWEEN 1 AND 7', name=op.f('ck_team_weekday')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('name', name=op.f('uq_team_name'))
    )
    op.create_table('town_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('town_name', sa.String(length=60), nullable=False),
    sa.Column('district_name', sa.String(length=60), nullable=False),
    sa.Column('hotline', sa.String(length=40), nullable=False),
    sa.Column('station_weekday', sa.Integer(), nullable=False),
    sa.Column('station_start', sa.Time(), nullable=False),
    sa.Column('station_end', sa.Time(), nullable=False),
    sa.Column('max_station_team_size', sa.Integer(), nullable=False),
    sa.Column('max_communities_per_leader', sa.Integer(), nullable=False),
    sa.Column('make_up_notice_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_town_settings'))
    )
    op.create_table('grid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_grid_community_id_community'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_grid_community_id'))
    )
    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grid_community_id'), ['community_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('leader', 'core', 'town_liaison', 'support', 'community_liaison', name='memberrole', native_enum=False, length=24), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=200), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_membership_dates')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_membership_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['replaces_id'], ['membership.id'], name=op.f('fk_membership_replaces_id_membership'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_membership_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_team_id'), ['team_id'], unique=False)

    op.create_table('team_community',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_team_community_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_community_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_community')),
    sa.UniqueConstraint('team_id', 'community_id', name=op.f('uq_team_community_team_id'))
    )
    with op.batch_alter_table('team_community', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_community_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_community_team_id'), ['team_id'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('resident', 'shop', 'unit', name='householdkind', native_enum=False, length=24), nullable=False),
    sa.Column('address', sa.String(length=120), nullable=False),
    sa.Column('head_name', sa.String(length=60), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('landline', sa.String(length=24), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('head_resident_id', sa.String(length=18), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('moved_out_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_household_community_id_community'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_household_grid_id_grid'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household')),
    sa.UniqueConstraint('community_id', 'address', 'head_name', name='place')
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index('ix_household_community_grid', ['community_id', 'grid_id'], unique=False)

    op.create_table('household_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('key_group_id', sa.Integer(), nullable=False),
    sa.Column('added_on', sa.Date(), nullable=False),
    sa.Column('added_reason', sa.String(length=200), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('removed_reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_tag_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['key_group_id'], ['key_group.id'], name=op.f('fk_household_tag_key_group_id_key_group'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_tag'))
    )
    with op.batch_alter_table('household_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_tag_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_tag_key_group_id'), ['key_group_id'], unique=False)


    _seed()


KEY_GROUPS = ("孤寡老人", "困难党员", "失业人员", "优抚对象", "残疾人", "特困家庭",
              "矛盾纠纷人员", "流动人员", "社区矫正人员")


def _seed() -> None:
    """Rows every database has: the revision counter, the town settings, the key groups."""
    op.bulk_insert(sa.table("data_revision", sa.column("id"), sa.column("revision")),
                   [{"id": 1, "revision": 0}])
    settings = sa.table("town_settings", *(sa.column(c) for c in (
        "id", "town_name", "district_name", "hotline", "station_weekday", "max_station_team_size",
        "max_communities_per_leader", "make_up_notice_days", "version")),
        sa.column("station_start", sa.Time), sa.column("station_end", sa.Time))
    op.bulk_insert(settings, [{
        "id": 1, "town_name": "", "district_name": "", "hotline": "", "station_weekday": 2,
        "station_start": datetime.time(15, 0), "station_end": datetime.time(18, 30),
        "max_station_team_size": 10, "max_communities_per_leader": 2, "make_up_notice_days": 3,
        "version": 1}])
    op.bulk_insert(sa.table("key_group", sa.column("name"), sa.column("builtin"),
                            sa.column("sort_order")),
                   [{"name": n, "builtin": True, "sort_order": i} for i, n in enumerate(KEY_GROUPS)])


def downgrade() -> None:
    with op.batch_alter_table('household_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_tag_key_group_id'))
        batch_op.drop_index(batch_op.f('ix_household_tag_household_id'))

    op.drop_table('household_tag')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_community_grid')

    op.drop_table('household')
    with op.batch_alter_table('team_community', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_community_team_id'))
        batch_op.drop_index(batch_op.f('ix_team_community_community_id'))

    op.drop_table('team_community')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_team_id'))
        batch_op.drop_index(batch_op.f('ix_membership_person_id'))

    op.drop_table('membership')
    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grid_community_id'))

    op.drop_table('grid')
    op.drop_table('town_settings')
    op.drop_table('team')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_name'))
        batch_op.drop_index(batch_op.f('ix_person_mobile'))

    op.drop_table('person')
    op.drop_table('key_group')
    op.drop_table('data_revision')
    op.drop_table('community')

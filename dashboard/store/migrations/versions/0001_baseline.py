"""Baseline: the schema of the last release built without migrations.

A store from that release has these tables (all or, if older, some) but no alembic_version;
upgrading it creates only the missing tables and indexes and keeps every row.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from dashboard.store.migrations import steps

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    steps.create_table('city',
    sa.Column('code', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('name_en', sa.String(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('color', sa.String(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('card_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    steps.create_index('ix_city_name', 'city', ['name'], unique=True)

    steps.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.String(), nullable=False),
    sa.Column('resolution', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    steps.create_index('ix_decision_proposal_id', 'decision', ['proposal_id'], unique=False)

    steps.create_table('meeting',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('chair_org', sa.String(), nullable=False),
    sa.Column('chair', sa.String(), nullable=False),
    sa.Column('venue', sa.String(), nullable=False),
    sa.Column('url', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    steps.create_table('meeting_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.String(), nullable=False),
    sa.Column('minutes_taker', sa.String(), nullable=False),
    sa.Column('attendance', sa.JSON(), nullable=False),
    sa.Column('conclusions', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    steps.create_index('ix_meeting_record_meeting_id', 'meeting_record', ['meeting_id'], unique=False)

    steps.create_table('store_build',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    steps.create_table('work_group',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('parent_id', sa.String(), nullable=True),
    sa.Column('host_agency', sa.String(), nullable=True),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['work_group.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    steps.create_table('agenda_item',
    sa.Column('meeting_id', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('start', sa.Time(), nullable=False),
    sa.Column('end', sa.Time(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.Column('key', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.PrimaryKeyConstraint('meeting_id', 'position')
    )
    steps.create_table('group_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['work_group.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    steps.create_index('ix_group_meeting_group_id', 'group_meeting', ['group_id'], unique=False)

    steps.create_table('organiser',
    sa.Column('meeting_id', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.PrimaryKeyConstraint('meeting_id', 'role', 'position')
    )
    steps.create_table('proposal',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('track', sa.String(), nullable=False),
    sa.Column('item_no', sa.Integer(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=False),
    sa.Column('subgroup_id', sa.String(), nullable=True),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('card_title', sa.String(), nullable=True),
    sa.Column('card_unit', sa.String(), nullable=True),
    sa.Column('cities_scope', sa.String(), nullable=True),
    sa.Column('description', sa.String(), nullable=True),
    sa.Column('approach', sa.String(), nullable=True),
    sa.Column('benefits', sa.String(), nullable=True),
    sa.Column('contact', sa.String(), nullable=True),
    sa.Column('central_ministry', sa.String(), nullable=True),
    sa.Column('progress', sa.String(), nullable=True),
    sa.Column('tracking_status', sa.String(), nullable=False),
    sa.Column('tracking_reason', sa.String(), nullable=True),
    sa.Column('tracking_basis', sa.String(), nullable=False),
    sa.Column('progress_status', sa.String(), nullable=False),
    sa.Column('progress_basis', sa.String(), nullable=False),
    sa.Column('notes', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['work_group.id'], ),
    sa.ForeignKeyConstraint(['subgroup_id'], ['work_group.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    steps.create_index('ix_proposal_group_id', 'proposal', ['group_id'], unique=False)
    steps.create_index('ix_proposal_track', 'proposal', ['track'], unique=False)
    steps.create_index('ix_proposal_year', 'proposal', ['year'], unique=False)

    steps.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.String(), nullable=False),
    sa.Column('indicator', sa.String(), nullable=False),
    sa.Column('label', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('city_code', sa.String(), nullable=True),
    sa.Column('counterpart_code', sa.String(), nullable=True),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['city_code'], ['city.code'], ),
    sa.ForeignKeyConstraint(['counterpart_code'], ['city.code'], ),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    steps.create_index('ix_indicator_indicator', 'indicator', ['indicator'], unique=False)
    steps.create_index('ix_indicator_proposal_id', 'indicator', ['proposal_id'], unique=False)

    steps.create_table('mutual_aid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_city', sa.String(), nullable=False),
    sa.Column('to_city', sa.String(), nullable=False),
    sa.Column('item_no', sa.Integer(), nullable=False),
    sa.Column('fire', sa.Integer(), nullable=False),
    sa.Column('ambulance', sa.Integer(), nullable=False),
    sa.Column('relay', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('proposal_id', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['from_city'], ['city.code'], ),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.ForeignKeyConstraint(['to_city'], ['city.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    steps.create_index('ix_mutual_aid_from_city', 'mutual_aid', ['from_city'], unique=False)
    steps.create_index('ix_mutual_aid_to_city', 'mutual_aid', ['to_city'], unique=False)

    steps.create_table('proposal_city',
    sa.Column('proposal_id', sa.String(), nullable=False),
    sa.Column('city_code', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['city_code'], ['city.code'], ),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.PrimaryKeyConstraint('proposal_id', 'city_code')
    )
    steps.create_index('ix_proposal_city_city_code', 'proposal_city', ['city_code'], unique=False)

    steps.create_table('proposal_lead',
    sa.Column('proposal_id', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(), nullable=False),
    sa.Column('city_code', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['city_code'], ['city.code'], ),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.PrimaryKeyConstraint('proposal_id', 'position')
    )
    steps.create_index('ix_proposal_lead_city_code', 'proposal_lead', ['city_code'], unique=False)

    steps.create_table('proposal_type',
    sa.Column('proposal_id', sa.String(), nullable=False),
    sa.Column('type', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.PrimaryKeyConstraint('proposal_id', 'type')
    )
    


def downgrade() -> None:
    op.drop_table('proposal_type')
    with op.batch_alter_table('proposal_lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_lead_city_code'))

    op.drop_table('proposal_lead')
    with op.batch_alter_table('proposal_city', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_city_city_code'))

    op.drop_table('proposal_city')
    with op.batch_alter_table('mutual_aid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutual_aid_to_city'))
        batch_op.drop_index(batch_op.f('ix_mutual_aid_from_city'))

    op.drop_table('mutual_aid')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_indicator'))

    op.drop_table('indicator')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_year'))
        batch_op.drop_index(batch_op.f('ix_proposal_track'))
        batch_op.drop_index(batch_op.f('ix_proposal_group_id'))

    op.drop_table('proposal')
    op.drop_table('organiser')
    with op.batch_alter_table('group_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_meeting_group_id'))

    op.drop_table('group_meeting')
    op.drop_table('agenda_item')
    op.drop_table('work_group')
    op.drop_table('store_build')
    with op.batch_alter_table('meeting_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_record_meeting_id'))

    op.drop_table('meeting_record')
    op.drop_table('meeting')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_proposal_id'))

    op.drop_table('decision')
    with op.batch_alter_table('city', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_city_name'))

    op.drop_table('city')

"""The meeting of a cycle is the secretariat's to edit: theme, form, host city, chair's title, the
marks of values carried from last year, and the meeting's versions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from dashboard.store.migrations import steps


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: nullable columns (every meeting stays as it is) and a new table."""
    steps.add_column('meeting', sa.Column('theme', sa.String(), nullable=True))
    steps.add_column('meeting', sa.Column('form', sa.String(), nullable=True))
    steps.add_column('meeting', sa.Column('host_city', sa.String(), nullable=True))
    steps.add_column('meeting', sa.Column('chair_title', sa.String(), nullable=True))
    steps.add_column('meeting', sa.Column('unconfirmed', sa.JSON(), nullable=True))
    steps.create_table(
        'meeting_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.String(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('reason', sa.String(), nullable=True),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by', sa.String(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id', 'version'),
    )
    steps.create_index('ix_meeting_version_meeting_id', 'meeting_version', ['meeting_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('meeting_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_version_meeting_id'))
    op.drop_table('meeting_version')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        for column in ('unconfirmed', 'chair_title', 'host_city', 'form', 'theme'):
            batch_op.drop_column(column)

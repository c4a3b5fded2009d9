"""The working groups' meeting log kept by their leads: a meeting's kind, what was decided, removal,
and the versions of every change.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from dashboard.store.migrations import steps


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: three columns of group_meeting (existing rows keep their values; their kind is
    read from the name until changed) and a new table."""
    steps.add_column('group_meeting', sa.Column('kind', sa.String(), nullable=True))
    steps.add_column('group_meeting', sa.Column('decided', sa.String(), nullable=True))
    steps.add_column(
        'group_meeting', sa.Column('removed', sa.Boolean(), nullable=False, server_default=sa.false())
    )
    steps.create_table('group_meeting_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'version')
    )
    steps.create_index('ix_group_meeting_version_meeting_id', 'group_meeting_version', ['meeting_id'])
    steps.create_index('ix_group_meeting_version_group_id', 'group_meeting_version', ['group_id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('group_meeting_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_meeting_version_group_id'))
        batch_op.drop_index(batch_op.f('ix_group_meeting_version_meeting_id'))
    op.drop_table('group_meeting_version')
    with op.batch_alter_table('group_meeting', schema=None) as batch_op:
        batch_op.drop_column('removed')
        batch_op.drop_column('decided')
        batch_op.drop_column('kind')

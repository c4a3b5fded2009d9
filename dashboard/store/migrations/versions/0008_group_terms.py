"""Working groups per cycle: a group's name, host agency and place from a cycle on, and their versions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from dashboard.store.migrations import steps


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: two new tables, so every existing group keeps its values as its first cycle's."""
    steps.create_table('group_term',
    sa.Column('group_id', sa.String(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('parent_id', sa.String(), nullable=True),
    sa.Column('host_agency', sa.String(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('added', sa.Boolean(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('merged_into', sa.String(), nullable=True),
    sa.Column('host_carried', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['work_group.id'], ),
    sa.PrimaryKeyConstraint('group_id', 'year')
    )
    steps.create_table('group_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.String(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('group_id', 'version')
    )
    steps.create_index('ix_group_version_group_id', 'group_version', ['group_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('group_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_version_group_id'))
    op.drop_table('group_version')
    op.drop_table('group_term')

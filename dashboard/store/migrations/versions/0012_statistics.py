"""Statistics tables per proposal and period: each entry or correction of a period is a version.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from dashboard.store.migrations import steps


# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: one new table; the rows loaded from data/ stay each table's first period."""
    steps.create_table('statistics_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.String(), nullable=False),
    sa.Column('table_kind', sa.String(), nullable=False),
    sa.Column('period_key', sa.String(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('proposal_id', 'table_kind', 'period_key', 'version')
    )
    steps.create_index('ix_statistics_version_proposal_id', 'statistics_version', ['proposal_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('statistics_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_version_proposal_id'))
    op.drop_table('statistics_version')

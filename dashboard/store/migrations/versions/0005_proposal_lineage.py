"""Proposal lineage across years: the carried-over row names the proposal it continues.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from dashboard.store.migrations import steps


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: a nullable column, so every existing row stays as it is (no lineage)."""
    steps.add_column('proposal', sa.Column('previous_id', sa.String(), nullable=True))
    steps.create_index('ix_proposal_previous_id', 'proposal', ['previous_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_previous_id'))
        batch_op.drop_column('previous_id')

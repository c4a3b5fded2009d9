"""The group's recommendation on a proposal: the date of the working-group meeting that agreed it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from dashboard.store.migrations import steps


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: a nullable column, so every existing row stays as it is (no date recorded)."""
    steps.add_column('proposal', sa.Column('recommendation_date', sa.Date(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('recommendation_date')

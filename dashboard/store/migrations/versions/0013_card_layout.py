"""Where a proposal's card (合作提案單) is bound in its cycle's packet and the heading it prints.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: two nullable columns; a proposal without them is bound by id within its group
    and headed by its group's names, as before."""
    op.add_column('proposal', sa.Column('card_position', sa.Integer(), nullable=True))
    op.add_column('proposal', sa.Column('card_heading', sa.String(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('card_heading')
        batch_op.drop_column('card_position')

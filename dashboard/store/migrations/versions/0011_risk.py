"""The risk light of a proposal (風險燈號) and its reason.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: two nullable columns, so every existing proposal stays as it is (未評估)."""
    op.add_column('proposal', sa.Column('risk', sa.String(), nullable=True))
    op.add_column('proposal', sa.Column('risk_reason', sa.String(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('risk_reason')
        batch_op.drop_column('risk')

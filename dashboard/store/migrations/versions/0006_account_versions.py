"""Account history and an account's last day: account_version, account.until.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from dashboard.store.migrations import steps


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: a nullable column (every account keeps acting) and a new, empty table (an
    existing account's history starts at its next change)."""
    steps.add_column('account', sa.Column('until', sa.Date(), nullable=True))
    steps.create_table('account_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account', 'version')
    )
    steps.create_index('ix_account_version_account', 'account_version', ['account'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('account_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_version_account'))
    op.drop_table('account_version')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('until')

"""Password sign-in sessions kept across reloads, tabs and replicas (dashboard/web/sessions.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from dashboard.store.migrations import steps


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    steps.create_table('sign_in_session',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account', sa.String(), nullable=False),
    sa.Column('credential', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('last_seen', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('token_hash')
    )
    steps.create_index('ix_sign_in_session_account', 'sign_in_session', ['account'], unique=False)
    steps.create_index('ix_sign_in_session_last_seen', 'sign_in_session', ['last_seen'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_session_last_seen'))
        batch_op.drop_index(batch_op.f('ix_sign_in_session_account'))

    op.drop_table('sign_in_session')

"""login throttle (lock-outs per account and address, and per address)

Revision ID: 6d4e2a1b0c33
Revises: 5c3e1f0a9d21
"""
from alembic import op
import sqlalchemy as sa

revision = '6d4e2a1b0c33'
down_revision = '5c3e1f0a9d21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(200), primary_key=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_table('login_throttle')

"""The audit log of administrative and province decisions.

Revision ID: 5f9d1b3a6c87
Revises: 4e8c0a2f5b76
"""
from alembic import op
import sqlalchemy as sa

revision = '5f9d1b3a6c87'
down_revision = '4e8c0a2f5b76'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(100), nullable=False),
        sa.Column('role', sa.String(16), nullable=False),
        sa.Column('action', sa.String(40), nullable=False),
        sa.Column('target', sa.String(100), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False))
    op.create_index('ix_audit_at', 'audit_event', ['at'])


def downgrade() -> None:
    op.drop_index('ix_audit_at', 'audit_event')
    op.drop_table('audit_event')

"""Server-side page sessions of the portal and the province pages.

Revision ID: 0a4e6f8b1c32
Revises: 9c3d5e7f9a21
"""
from alembic import op
import sqlalchemy as sa

revision = '0a4e6f8b1c32'
down_revision = '9c3d5e7f9a21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'page_session',
        sa.Column('digest', sa.String(64), primary_key=True),
        sa.Column('area', sa.String(16), nullable=False),
        sa.Column('subject', sa.String(100), nullable=False),
        sa.Column('stamp', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_page_session_subject', 'page_session', ['area', 'subject'])


def downgrade() -> None:
    op.drop_index('ix_page_session_subject', 'page_session')
    op.drop_table('page_session')

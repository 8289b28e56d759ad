"""Shadow mode's comparisons (digests and codes only; rows expire).

Revision ID: 4e8c0a2f5b76
Revises: 3d7b9f1e4a65
"""
from alembic import op
import sqlalchemy as sa

revision = '4e8c0a2f5b76'
down_revision = '3d7b9f1e4a65'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'shadow_comparison',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('endpoint', sa.String(64), nullable=False),
        sa.Column('facility_code', sa.String(5), nullable=False),
        sa.Column('transaction_digest', sa.String(64), nullable=False),
        sa.Column('ma_lk_masked', sa.String(40), nullable=False),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('ours', sa.JSON(), nullable=False),
        sa.Column('theirs', sa.JSON(), nullable=False))
    op.create_index('ix_shadow_created', 'shadow_comparison', ['created_at'])
    op.create_index('ix_shadow_expires', 'shadow_comparison', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_shadow_expires', 'shadow_comparison')
    op.drop_index('ix_shadow_created', 'shadow_comparison')
    op.drop_table('shadow_comparison')

"""request-level refusals kept per facility with what the sandbox saw and expected (the portal's
"Vì sao bị từ chối?" page and GET /api/sandbox/tu-choi)

Revision ID: 9c3d5e7f9a21
Revises: 8b2c4d6e8f10
"""
from alembic import op
import sqlalchemy as sa

revision = '9c3d5e7f9a21'
down_revision = '8b2c4d6e8f10'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'refusal',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('facility_code', sa.String(5), nullable=False),
        sa.Column('username', sa.String(100), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('route', sa.String(100), nullable=False),
        sa.Column('code', sa.String(16), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('seen', sa.JSON(), nullable=False),
        sa.Column('expected', sa.JSON(), nullable=False),
    )
    op.create_index('ix_refusal_facility_at', 'refusal', ['facility_code', 'at'])


def downgrade() -> None:
    op.drop_index('ix_refusal_facility_at', 'refusal')
    op.drop_table('refusal')

"""Onboarding requests of the seven steps (QĐ 2733 PL01 Đ5): a code from the Sở Y tế, an account from BHXH;
card look-ups indexed by facility; the queue index ordered by arrival.

Revision ID: 3d7b9f1e4a65
Revises: 2c6a8e0d3f54
"""
from alembic import op
import sqlalchemy as sa

revision = '3d7b9f1e4a65'
down_revision = '2c6a8e0d3f54'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'onboarding_request',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('reference', sa.String(24), nullable=False, unique=True),
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('province_code', sa.String(2), nullable=False),
        sa.Column('facility_code', sa.String(5), nullable=False),
        sa.Column('facility_name', sa.String(255), nullable=False),
        sa.Column('commune_code', sa.String(5), nullable=False),
        sa.Column('contact', sa.String(255), nullable=False),
        sa.Column('letter', sa.Text(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('client_ip', sa.String(45), nullable=False),
        sa.Column('state', sa.String(10), nullable=False),
        sa.Column('decided_by', sa.String(100), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('username', sa.String(100), nullable=False))
    op.create_index('ix_onboarding_province_state', 'onboarding_request', ['province_code', 'state'])
    # step 4 of the seven (card look-ups at reception) is read per facility
    op.create_index('ix_card_check_facility', 'card_check', ['facility_code', 'checked_at'])
    # the queue oldest first: the workers' claim and the admission control's backlog age (sandbox/admission.py)
    op.drop_index('ix_submission_status', 'submission')
    op.create_index('ix_submission_status', 'submission', ['status', 'received_at'])


def downgrade() -> None:
    op.drop_index('ix_submission_status', 'submission')
    op.create_index('ix_submission_status', 'submission', ['status'])
    op.drop_index('ix_card_check_facility', 'card_check')
    op.drop_index('ix_onboarding_province_state', 'onboarding_request')
    op.drop_table('onboarding_request')

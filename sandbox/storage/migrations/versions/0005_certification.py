"""certification sessions, exchanges, attestations, issued certificates, account faults

Revision ID: 5c3e1f0a9d21
Revises: 70f47f7dee6a
"""
from alembic import op
import sqlalchemy as sa

revision = '5c3e1f0a9d21'
down_revision = '70f47f7dee6a'
branch_labels = None
depends_on = None
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'certification_session',
        sa.Column('id', sa.String(32), primary_key=True),
        sa.Column('facility_code', sa.String(5), sa.ForeignKey('facility.code'), nullable=False),
        sa.Column('opened_by', sa.String(100), nullable=False),
        sa.Column('software', sa.String(255), nullable=False),
        sa.Column('vendor', sa.String(255), nullable=False),
        sa.Column('version', sa.String(64), nullable=False),
        sa.Column('profile', sa.String(16), nullable=False),
        sa.Column('suite_id', sa.String(64), nullable=False),
        sa.Column('suite_version', sa.String(32), nullable=False),
        sa.Column('state', sa.String(16), nullable=False),
        sa.Column('opened_at', TZ, nullable=False),
        sa.Column('closed_at', TZ, nullable=True),
        sa.Column('provocations', sa.JSON(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=False))
    op.create_index('ix_cert_session_facility_state', 'certification_session', ['facility_code', 'state'])
    op.create_table(
        'exchange',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('session_id', sa.String(32), nullable=False),
        sa.Column('at', TZ, nullable=False),
        sa.Column('username', sa.String(100), nullable=False),
        sa.Column('operation', sa.String(64), nullable=False),
        sa.Column('http_status', sa.Integer(), nullable=False),
        sa.Column('ma_ket_qua', sa.String(8), nullable=False),
        sa.Column('ma_loi', sa.String(16), nullable=False),
        sa.Column('ma_giao_dich', sa.String(40), nullable=False),
        sa.Column('content_sha256', sa.String(64), nullable=False),
        sa.Column('token_digest', sa.String(64), nullable=False),
        sa.Column('fault', sa.String(32), nullable=False),
        sa.Column('subject', sa.String(100), nullable=False))
    op.create_index('ix_exchange_session', 'exchange', ['session_id', 'at'])
    op.create_index('ix_exchange_token', 'exchange', ['token_digest'])
    op.create_table(
        'attestation',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('session_id', sa.String(32), nullable=False),
        sa.Column('check_id', sa.String(32), nullable=False),
        sa.Column('attested_by', sa.String(255), nullable=False),
        sa.Column('statement', sa.Text(), nullable=False),
        sa.Column('attested_at', TZ, nullable=False),
        sa.UniqueConstraint('session_id', 'check_id'))
    op.create_index('ix_attestation_session_id', 'attestation', ['session_id'])
    op.create_table(
        'issued_certificate',
        sa.Column('id', sa.String(32), primary_key=True),
        sa.Column('session_id', sa.String(32), nullable=False),
        sa.Column('facility_code', sa.String(5), nullable=False),
        sa.Column('issued_at', TZ, nullable=False),
        sa.Column('expires_at', TZ, nullable=False),
        sa.Column('token', sa.Text(), nullable=False),
        sa.Column('revoked_at', TZ, nullable=True),
        sa.Column('revocation_reason', sa.String(255), nullable=False))
    op.create_index('ix_issued_certificate_session_id', 'issued_certificate', ['session_id'])
    op.create_index('ix_issued_certificate_facility_code', 'issued_certificate', ['facility_code'])
    op.create_table(
        'account_fault',
        sa.Column('username', sa.String(100), primary_key=True),
        sa.Column('profile', sa.String(32), nullable=False),
        sa.Column('state', sa.JSON(), nullable=False),
        sa.Column('set_at', TZ, nullable=False))


def downgrade() -> None:
    for table in ('account_fault', 'issued_certificate', 'attestation', 'exchange', 'certification_session'):
        op.drop_table(table)

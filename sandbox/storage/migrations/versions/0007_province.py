"""province users, settings, sign-offs, campaign targets, report filings; districts of facilities and
citizens; the episode index the readiness board counts with

Revision ID: 7a1f3c9e2b44
Revises: 6d4e2a1b0c33
"""
from alembic import op
import sqlalchemy as sa

revision = '7a1f3c9e2b44'
down_revision = '6d4e2a1b0c33'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('facility') as batch:
        batch.add_column(sa.Column('district_code', sa.String(3), nullable=False, server_default=''))
    with op.batch_alter_table('citizen') as batch:
        batch.add_column(sa.Column('district_code', sa.String(3), nullable=False, server_default=''))
        batch.add_column(sa.Column('commune', sa.String(100), nullable=False, server_default=''))
    with op.batch_alter_table('episode') as batch:
        batch.add_column(sa.Column('ma_loai_kcb', sa.String(2), nullable=False, server_default=''))
    op.create_index('ix_episode_facility_created', 'episode', ['facility_code', 'created_at', 'status'])
    op.create_table(
        'province_user',
        sa.Column('username', sa.String(100), primary_key=True),
        sa.Column('full_name', sa.String(255), nullable=False),
        sa.Column('organisation', sa.String(8), nullable=False),
        sa.Column('province_code', sa.String(2), nullable=False, index=True),
        sa.Column('password_hash', sa.String(255), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', TZ, nullable=False))
    op.create_table(
        'province_setting',
        sa.Column('province_code', sa.String(2), primary_key=True),
        sa.Column('window_days', sa.Integer(), nullable=False),
        sa.Column('grace_days', sa.Integer(), nullable=False),
        sa.Column('grace_threshold', sa.Float(), nullable=False),
        sa.Column('campaign_start', sa.String(8), nullable=False),
        sa.Column('campaign_end', sa.String(8), nullable=False))
    op.create_table(
        'sign_off',
        sa.Column('id', sa.String(32), primary_key=True),
        sa.Column('facility_code', sa.String(5), nullable=False),
        sa.Column('province_code', sa.String(2), nullable=False),
        sa.Column('decision', sa.String(8), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('decided_by', sa.String(100), nullable=False),
        sa.Column('decided_at', TZ, nullable=False),
        sa.Column('certificate_id', sa.String(32), nullable=False),
        sa.Column('report_sha256', sa.String(64), nullable=False),
        sa.Column('token', sa.Text(), nullable=False),
        sa.Column('withdrawn_at', TZ, nullable=True),
        sa.Column('withdrawn_reason', sa.String(255), nullable=False))
    op.create_index('ix_sign_off_facility', 'sign_off', ['facility_code', 'decided_at'])
    op.create_table(
        'campaign_target',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('province_code', sa.String(2), nullable=False),
        sa.Column('district_code', sa.String(3), nullable=False),
        sa.Column('commune', sa.String(100), nullable=False),
        sa.Column('indicator', sa.String(16), nullable=False),
        sa.Column('target', sa.Integer(), nullable=False),
        sa.UniqueConstraint('province_code', 'district_code', 'commune', 'indicator'))
    op.create_table(
        'report_filing',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('province_code', sa.String(2), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('period', sa.String(16), nullable=False),
        sa.Column('filed_by', sa.String(100), nullable=False),
        sa.Column('filed_at', TZ, nullable=False),
        sa.UniqueConstraint('province_code', 'kind', 'period'))
    op.create_table(
        'periodic_note',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('province_code', sa.String(2), nullable=False),
        sa.Column('facility_code', sa.String(5), nullable=False),
        sa.Column('period', sa.String(7), nullable=False),
        sa.Column('difficulties', sa.Text(), nullable=False),
        sa.Column('proposals', sa.Text(), nullable=False),
        sa.Column('declared', sa.JSON(), nullable=False),
        sa.Column('updated_by', sa.String(100), nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
        sa.UniqueConstraint('province_code', 'facility_code', 'period'))


def downgrade() -> None:
    for table in ('periodic_note', 'report_filing', 'campaign_target', 'sign_off', 'province_setting', 'province_user'):
        op.drop_table(table)
    op.drop_index('ix_episode_facility_created', 'episode')
    with op.batch_alter_table('episode') as batch:
        batch.drop_column('ma_loai_kcb')
    with op.batch_alter_table('citizen') as batch:
        batch.drop_column('commune')
        batch.drop_column('district_code')
    with op.batch_alter_table('facility') as batch:
        batch.drop_column('district_code')

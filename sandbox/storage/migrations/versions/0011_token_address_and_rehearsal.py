"""The address a token was taken from (the co-payment look-up binds its session to it) and an account's
rehearsal date (the regulation calendar judged as of a later date).

Revision ID: 1b5f7a9c2d43
Revises: 0a4e6f8b1c32
"""
from alembic import op
import sqlalchemy as sa

revision = '1b5f7a9c2d43'
down_revision = '0a4e6f8b1c32'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_token') as batch:
        batch.add_column(sa.Column('client_ip', sa.String(45), nullable=False, server_default=''))
    with op.batch_alter_table('account') as batch:
        batch.add_column(sa.Column('rehearse_as_of', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('account') as batch:
        batch.drop_column('rehearse_as_of')
    with op.batch_alter_table('api_token') as batch:
        batch.drop_column('client_ip')

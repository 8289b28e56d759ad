"""indexed look-ups: an episode's BHXH number (the card check's history, no LIKE '%…' scan) and the
health-book entries of a card (the VNeID year screen's OR on the wallet's cards); the token of a
submission's claim (workers in separate processes); the first error of a rejected episode and a
covering index of the display figures (the province board)

Revision ID: 8b2c4d6e8f10
Revises: 7a1f3c9e2b44
"""
from alembic import op
import sqlalchemy as sa

revision = '8b2c4d6e8f10'
down_revision = '7a1f3c9e2b44'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('episode') as batch:
        batch.add_column(sa.Column('bhxh_number', sa.String(10), nullable=False, server_default=''))
    with op.batch_alter_table('episode') as batch:
        batch.add_column(sa.Column('error_code', sa.String(16), nullable=False, server_default=''))
    with op.batch_alter_table('health_book_entry') as batch:
        batch.drop_index('ix_book_facility_visible')
        batch.create_index('ix_book_facility_visible', ['facility_code', 'visible_at', 'delay_seconds', 'is_current'])
    op.execute("UPDATE episode SET bhxh_number = substr(card_number, 6, 10) WHERE card_number <> ''")
    op.create_index('ix_episode_bhxh_number', 'episode', ['bhxh_number'])
    op.create_index('ix_book_card_year', 'health_book_entry', ['card_number', 'year'])
    with op.batch_alter_table('submission') as batch:
        batch.add_column(sa.Column('claimed_by', sa.String(64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('submission') as batch:
        batch.drop_column('claimed_by')
    op.drop_index('ix_book_card_year', 'health_book_entry')
    with op.batch_alter_table('health_book_entry') as batch:
        batch.drop_index('ix_book_facility_visible')
        batch.create_index('ix_book_facility_visible', ['facility_code', 'visible_at'])
    with op.batch_alter_table('episode') as batch:
        batch.drop_column('error_code')
    op.drop_index('ix_episode_bhxh_number', 'episode')
    with op.batch_alter_table('episode') as batch:
        batch.drop_column('bhxh_number')

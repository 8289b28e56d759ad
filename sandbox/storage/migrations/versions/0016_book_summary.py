"""The year screen's fields of each Sổ SKĐT entry, stored beside its document (storage/book_summary.py).

Revision ID: 6a1c3e5d7f92
Revises: 5f9d1b3a6c87
"""
from alembic import op
import sqlalchemy as sa

revision = '6a1c3e5d7f92'
down_revision = '5f9d1b3a6c87'
branch_labels = None
depends_on = None

# What book_summary() gives, for the entries written before the column: the same five fields, each key
# present whatever its value (a paper given as JSON null still counts as given).
POSTGRESQL = """UPDATE health_book_entry SET summary = json_build_object(
    'ngayRa', coalesce(data -> 'luotKham' ->> 'ngayRa', ''),
    'hinhThuc', coalesce(data -> 'luotKham' ->> 'hinhThucTen', ''),
    'chanDoan', coalesce(data -> 'luotKham' ->> 'chanDoan', ''),
    'coGiayHen', (data -> 'giayHen') IS NOT NULL,
    'coGiayChuyenTuyen', (data -> 'giayChuyenTuyen') IS NOT NULL)"""
SQLITE = """UPDATE health_book_entry SET summary = json_object(
    'ngayRa', coalesce(json_extract(data, '$.luotKham.ngayRa'), ''),
    'hinhThuc', coalesce(json_extract(data, '$.luotKham.hinhThucTen'), ''),
    'chanDoan', coalesce(json_extract(data, '$.luotKham.chanDoan'), ''),
    'coGiayHen', json(CASE WHEN json_type(data, '$.giayHen') IS NULL THEN 'false' ELSE 'true' END),
    'coGiayChuyenTuyen', json(CASE WHEN json_type(data, '$.giayChuyenTuyen') IS NULL THEN 'false' ELSE 'true' END))"""


def upgrade() -> None:
    with op.batch_alter_table('health_book_entry') as batch:
        batch.add_column(sa.Column('summary', sa.JSON(), nullable=False, server_default='{}'))
    op.execute(SQLITE if op.get_bind().dialect.name == 'sqlite' else POSTGRESQL)


def downgrade() -> None:
    with op.batch_alter_table('health_book_entry') as batch:
        batch.drop_column('summary')

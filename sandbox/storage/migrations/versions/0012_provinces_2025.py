"""Provinces after the 2025 reform (QĐ 19/2025/QĐ-TTg): a facility belongs to one of the 34 provinces and
carries its new commune; province users, settings, sign-offs, targets, filings and notes of a former
province move to the province that took it in (58 → 56, 62 → 51 …).  Rows that would collide with ones
the new province already has stay with the new province's (the older province's row is dropped).

Revision ID: 2c6a8e0d3f54
Revises: 1b5f7a9c2d43
"""
from alembic import op
import sqlalchemy as sa

revision = '2c6a8e0d3f54'
down_revision = '1b5f7a9c2d43'
branch_labels = None
depends_on = None

# old province code → the province it is part of from 01/07/2025 (provinces that kept their code omitted)
MERGED = {'02': '08', '10': '15', '06': '19', '27': '24', '17': '25', '26': '25', '30': '31', '34': '33',
          '35': '37', '36': '37', '45': '44', '49': '48', '62': '51', '64': '52', '58': '56', '54': '66',
          '60': '68', '67': '68', '70': '75', '74': '79', '77': '79', '72': '80', '87': '82', '83': '86',
          '84': '86', '89': '91', '93': '92', '94': '92', '95': '96'}
# table → the columns that, with province_code, make a row unique
KEYED = {'province_setting': (), 'campaign_target': ('district_code', 'commune', 'indicator'),
         'report_filing': ('kind', 'period'), 'periodic_note': ('facility_code', 'period')}


def upgrade() -> None:
    with op.batch_alter_table('facility') as batch:
        batch.add_column(sa.Column('commune_code', sa.String(5), nullable=False, server_default=''))
    conn = op.get_bind()
    for old, new in MERGED.items():
        params = {'old': old, 'new': new}
        for table in ('facility', 'province_user', 'sign_off'):
            conn.execute(sa.text(f"UPDATE {table} SET province_code = :new WHERE province_code = :old"), params)
        for table, key in KEYED.items():
            same = " AND ".join(f"o.{c} = {table}.{c}" for c in key)
            clash = f"EXISTS (SELECT 1 FROM {table} o WHERE o.province_code = :new{' AND ' + same if same else ''})"
            conn.execute(sa.text(f"DELETE FROM {table} WHERE province_code = :old AND {clash}"), params)
            conn.execute(sa.text(f"UPDATE {table} SET province_code = :new WHERE province_code = :old"), params)
    from sandbox.reference.facilities import seeds      # the seed facilities' communes (data, not code)
    for seed in seeds():
        conn.execute(sa.text("UPDATE facility SET commune_code = :c WHERE code = :code AND commune_code = ''"),
                     {'c': seed.commune_code, 'code': seed.code})


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE facility SET province_code = substr(code, 1, 2)"))
    with op.batch_alter_table('facility') as batch:
        batch.drop_column('commune_code')

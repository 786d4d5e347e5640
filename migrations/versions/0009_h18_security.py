"""sessions kept in the database; a device id owned by the person who first used it

Revision ID: h18_security
Revises: h17_proof
Create Date: 2026-12-05 23:55:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.base


# revision identifiers, used by Alembic.
revision = 'h18_security'
down_revision = "h17_proof"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('key_sha256', sa.String(length=64), nullable=False),
    sa.Column('started_at', webapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', webapp.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_why', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_session_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_session')),
    sa.UniqueConstraint('key_sha256', name=op.f('uq_person_session_key_sha256'))
    )
    with op.batch_alter_table('person_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_session_person_id'), ['person_id'], unique=False)
    # sessions signed with a version are all ended by this change: everyone signs in once more
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('session_version')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_constraint('uq_device_client_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_device_client_id'), ['client_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_device_client_id_person_id'), ['client_id', 'person_id'])


def downgrade():
    # a phone's id may now have several rows, one per person: keep the first person's before restoring uniqueness
    op.execute("DELETE FROM device WHERE id NOT IN (SELECT MIN(id) FROM device GROUP BY client_id)")
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_constraint('uq_device_client_id_person_id', type_='unique')
        batch_op.drop_index(batch_op.f('ix_device_client_id'))
        batch_op.create_unique_constraint('uq_device_client_id', ['client_id'])
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('person_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_session_person_id'))
    op.drop_table('person_session')

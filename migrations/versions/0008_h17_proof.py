"""seals signed with the site's Ed25519 key: a signature on each sealed handover and each addendum; what each
device says it still holds

Revision ID: h17_proof
Revises: 0007
Create Date: 2026-12-05 23:58:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.base


# revision identifiers, used by Alembic.
revision = 'h17_proof'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holds_nothing_before', webapp.models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_signature', sa.Text(), nullable=True))
    with op.batch_alter_table('handover_addendum', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_signature', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('handover_addendum', schema=None) as batch_op:
        batch_op.drop_column('seal_signature')
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_column('seal_signature')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('holds_nothing_before')

"""equipment, reading items, readings, equipment rounds, maintenance tasks and records; photos of readings and maintenance

Revision ID: h20_equipment
Revises: h19_alerts
Create Date: 2026-12-06 03:18:40.567389

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.base


# revision identifiers, used by Alembic.
revision = 'h20_equipment'
down_revision = 'h19_alerts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('equipment_round_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('times_local', sa.String(length=400), nullable=False),
    sa.Column('window_minutes', sa.Integer(), nullable=False),
    sa.Column('grace_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_equipment_round_plan_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_round_plan'))
    )
    with op.batch_alter_table('equipment_round_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_round_plan_site_id'), ['site_id'], unique=False)

    op.create_table('equipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('make', sa.String(length=200), nullable=False),
    sa.Column('installed_on', sa.Date(), nullable=True),
    sa.Column('contractor', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoint.id'], name=op.f('fk_equipment_checkpoint_id_checkpoint')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_equipment_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment')),
    sa.UniqueConstraint('site_id', 'code', name=op.f('uq_equipment_site_id_code'))
    )
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_checkpoint_id'), ['checkpoint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_site_id'), ['site_id'], unique=False)

    op.create_table('equipment_round_checkpoint',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoint.id'], name=op.f('fk_equipment_round_checkpoint_checkpoint_id_checkpoint'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['equipment_round_plan.id'], name=op.f('fk_equipment_round_checkpoint_plan_id_equipment_round_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'checkpoint_id', name=op.f('pk_equipment_round_checkpoint'))
    )
    op.create_table('maintenance_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('equipment_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('cycle', sa.String(length=12), nullable=False),
    sa.Column('anchor_on', sa.Date(), nullable=False),
    sa.Column('by_contractor', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_maintenance_task_equipment_id_equipment')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_maintenance_task_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_task'))
    )
    with op.batch_alter_table('maintenance_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_task_equipment_id'), ['equipment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_task_site_id'), ['site_id'], unique=False)

    op.create_table('reading_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('equipment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('low', sa.Float(), nullable=True),
    sa.Column('high', sa.Float(), nullable=True),
    sa.Column('meter', sa.Boolean(), nullable=False),
    sa.Column('max_jump', sa.Float(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_reading_item_equipment_id_equipment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_item'))
    )
    with op.batch_alter_table('reading_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_item_equipment_id'), ['equipment_id'], unique=False)

    op.create_table('maintenance_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('done_at', webapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_maintenance_record_person_id_person')),
    sa.ForeignKeyConstraint(['task_id'], ['maintenance_task.id'], name=op.f('fk_maintenance_record_task_id_maintenance_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_record'))
    )
    with op.batch_alter_table('maintenance_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_record_task_id'), ['task_id'], unique=False)

    op.create_table('reading',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('equipment_id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=True),
    sa.Column('value_number', sa.Float(), nullable=True),
    sa.Column('value_text', sa.String(length=500), nullable=False),
    sa.Column('out_of_range', sa.Boolean(), nullable=False),
    sa.Column('below_last', sa.Boolean(), nullable=False),
    sa.Column('jump', sa.Boolean(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('device_time', webapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('device_utc_offset_min', sa.Integer(), nullable=False),
    sa.Column('clock_offset_s', sa.Float(), nullable=False),
    sa.Column('captured_at', webapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', webapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoint.id'], name=op.f('fk_reading_checkpoint_id_checkpoint')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_reading_device_id_device')),
    sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_reading_equipment_id_equipment')),
    sa.ForeignKeyConstraint(['item_id'], ['reading_item.id'], name=op.f('fk_reading_item_id_reading_item')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_reading_person_id_person')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_reading_shift_id_shift')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_reading_site_id_site')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_reading_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_reading_client_uuid'))
    )
    with op.batch_alter_table('reading', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_captured_at'), ['captured_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_equipment_id'), ['equipment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_work_order_id'), ['work_order_id'], unique=False)

    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reading_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('maintenance_record_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_photo_maintenance_record_id'), ['maintenance_record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photo_reading_id'), ['reading_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_photo_reading_id_reading'), 'reading', ['reading_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_photo_maintenance_record_id_maintenance_record'), 'maintenance_record', ['maintenance_record_id'], ['id'])



def downgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_photo_maintenance_record_id_maintenance_record'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_photo_reading_id_reading'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_photo_reading_id'))
        batch_op.drop_index(batch_op.f('ix_photo_maintenance_record_id'))
        batch_op.drop_column('maintenance_record_id')
        batch_op.drop_column('reading_id')

    with op.batch_alter_table('reading', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reading_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_reading_site_id'))
        batch_op.drop_index(batch_op.f('ix_reading_shift_id'))
        batch_op.drop_index(batch_op.f('ix_reading_person_id'))
        batch_op.drop_index(batch_op.f('ix_reading_item_id'))
        batch_op.drop_index(batch_op.f('ix_reading_equipment_id'))
        batch_op.drop_index(batch_op.f('ix_reading_captured_at'))

    op.drop_table('reading')
    with op.batch_alter_table('maintenance_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_record_task_id'))

    op.drop_table('maintenance_record')
    with op.batch_alter_table('reading_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reading_item_equipment_id'))

    op.drop_table('reading_item')
    with op.batch_alter_table('maintenance_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_task_site_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_task_equipment_id'))

    op.drop_table('maintenance_task')
    op.drop_table('equipment_round_checkpoint')
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_site_id'))
        batch_op.drop_index(batch_op.f('ix_equipment_checkpoint_id'))

    op.drop_table('equipment')
    with op.batch_alter_table('equipment_round_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_round_plan_site_id'))

    op.drop_table('equipment_round_plan')

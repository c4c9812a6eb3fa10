"""Resident orders and parcels now belong to the services app (services 0001): removed from this app's state
only, so that their tables and rows stay.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('services', '0001_resident_orders_from_volunteers'),
        ('volunteers', '0002_three_lists_and_wishes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='residentorder',
                    name='offering',
                ),
                migrations.RemoveField(
                    model_name='orderevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='orderevent',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='parcel',
                    name='courier',
                ),
                migrations.RemoveField(
                    model_name='parcel',
                    name='estate',
                ),
                migrations.RemoveField(
                    model_name='parcel',
                    name='home',
                ),
                migrations.RemoveField(
                    model_name='parcel',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='parcel',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='parcel',
                    name='registered_by',
                ),
                migrations.RemoveField(
                    model_name='provider',
                    name='estate',
                ),
                migrations.RemoveField(
                    model_name='provider',
                    name='organization',
                ),
                migrations.RemoveField(
                    model_name='residentorder',
                    name='provider',
                ),
                migrations.RemoveField(
                    model_name='residentorder',
                    name='accepted_by',
                ),
                migrations.RemoveField(
                    model_name='residentorder',
                    name='estate',
                ),
                migrations.RemoveField(
                    model_name='residentorder',
                    name='home',
                ),
                migrations.RemoveField(
                    model_name='residentorder',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='residentorder',
                    name='placed_by',
                ),
                migrations.DeleteModel(
                    name='Offering',
                ),
                migrations.DeleteModel(
                    name='OrderEvent',
                ),
                migrations.DeleteModel(
                    name='Parcel',
                ),
                migrations.DeleteModel(
                    name='Provider',
                ),
                migrations.DeleteModel(
                    name='ResidentOrder',
                ),
            ],
            database_operations=[],
        ),
    ]

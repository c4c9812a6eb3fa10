"""The table of the database cache (the default when no Redis is configured), so that `linli migrate` is all a
fresh installation needs: the rate-limit counters of anonymous writes live there and are shared by every process.
With Redis configured, createcachetable has nothing to do.
"""

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    tables = {caches[alias]._table for alias in caches if isinstance(caches[alias], DatabaseCache)}
    for table in tables:
        schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create, drop, elidable=False)]

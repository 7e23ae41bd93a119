"""The migration that gives PostgreSQL a finer histogram of the search text, so a rare search
word is planned as rare (issue 12); on SQLite it does nothing, both ways."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("catalog", "0010_repo_ids")]
AFTER = [("catalog", "0011_search_text_statistics")]


def search_text_statistics_target():
    """The column's own statistics target on PostgreSQL, None for the server's default
    (PostgreSQL before 17 stores the default as -1, 17 and later as NULL) and on SQLite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT NULLIF(attstattarget, -1) FROM pg_attribute "
            "WHERE attrelid = 'catalog_aimodel'::regclass AND attname = 'search_text'"
        )
        return cursor.fetchone()[0]


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_search_text_statistics_migration_goes_both_ways():
    fine = 1000 if connection.vendor == "postgresql" else None
    assert search_text_statistics_target() == fine
    migrate_to(BEFORE)
    assert search_text_statistics_target() is None
    migrate_to(AFTER)
    assert search_text_statistics_target() == fine
    migrate_to(None)

"""On PostgreSQL only, a finer histogram of `search_text`, so a rare search word is planned as
rare (issue 12: `GET /api/models?search=…` at 100 000 models).

PostgreSQL estimates `search_text LIKE '%word%'` by testing the word against the column's
histogram. With the default 100 buckets one bucket is 1 % of the models: a word that 0.2 % of
them contain is estimated at 0.01 % or at 1 %, depending on ANALYZE's random sample. At 1 % the
planner walks the list's sort index expecting a page of matches soon and reads 40 000 rows
(60–80 ms) instead of the trigram index's few matches (7 ms). 1000 buckets (0.1 % each) keep
the estimate within a few tenths of a percent; the price is about 0.3 ms of planning per
search and an ANALYZE that samples up to 300 000 rows. SQLite has no such planner: nothing
to do there.
"""

from django.db import migrations

FINE = 1000
DEFAULT = -1  # the server's default_statistics_target


def set_statistics_target(target):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("catalog", "AIModel")._meta.db_table)
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN search_text SET STATISTICS {target}"
        )
        # The target takes effect at the next ANALYZE; autovacuum's may be hours away.
        schema_editor.execute(f"ANALYZE {table} (search_text)")

    return apply


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_repo_ids")]
    operations = [
        migrations.RunPython(set_statistics_target(FINE), set_statistics_target(DEFAULT)),
    ]

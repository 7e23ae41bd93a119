"""What a card shows beyond a model's own columns, read within the page's own query.

Each fact is a scalar subquery correlated with the outer row's id, written in SQL that SQLite
and PostgreSQL both run. The list compiles these on every request: as ORM `Subquery`
expressions they cost about a third of a millisecond each to build and compile, as SQL a few
microseconds. Evaluated for the page's rows only, whatever the number of matches.
"""

# ruff: noqa: S608 — the SQL is fixed text around table names from the models' own meta;
# the only value (a user id) is passed as a parameter.

import json
from types import SimpleNamespace

from django.apps import apps
from django.db.models import CharField, Expression, F, IntegerField, TextField


def _table(app_model: str) -> str:
    return f'"{apps.get_model(app_model)._meta.db_table}"'


class Correlated(Expression):
    """`(sql)` with `{id}` standing for the outer row's primary key; `params` fill `%s`."""

    def __init__(self, sql: str = "", params=(), *, output_field):
        super().__init__(output_field=output_field)
        self.sql = sql
        self.params = tuple(params)
        self.outer_id = F("pk")

    def get_source_expressions(self):
        return [self.outer_id]

    def set_source_expressions(self, exprs):
        (self.outer_id,) = exprs

    def sql_for(self, connection) -> str:
        return self.sql

    def as_sql(self, compiler, connection):
        outer_id, outer_params = compiler.compile(self.outer_id)
        sql = f"({self.sql_for(connection).format(id=outer_id)})"
        return sql, (*outer_params, *self.params)


class TagsOf(Correlated):
    """The model's tags as JSON text: [[category, name, key], …] (NULL or [] for none)."""

    def __init__(self):
        super().__init__(output_field=TextField())

    def sql_for(self, connection) -> str:
        through, tags = _table("catalog.AIModel_tags"), _table("tags.Tag")
        rows = (
            f'FROM {through} mt JOIN {tags} t ON t."id" = mt."tag_id" '
            'WHERE mt."aimodel_id" = {id}'
        )
        if connection.vendor == "postgresql":
            return (
                f'SELECT json_agg(json_build_array(t."category", t."name", t."key"))::text {rows}'
            )
        return f'SELECT json_group_array(json_array(t."category", t."name", t."key")) {rows}'


def tags_from(text: str | None) -> list[SimpleNamespace]:
    """The tags read by TagsOf, as objects with `category`, `name` and `key`."""
    return [
        SimpleNamespace(category=category, name=name, key=key)
        for category, name, key in json.loads(text or "[]")
    ]


def card_facts(user=None) -> dict[str, Expression]:
    """`versions_total`, `shares_total` (people with access = 1 + shares),
    `latest_version_name` (the most recently created version), `tag_rows` (see TagsOf) and,
    given a user, `my_role` (their share role, for the ⋮ menu without a query per card)."""
    versions = _table("versions.ModelVersion")
    shares = _table("sharing.Share")
    facts = {
        "versions_total": Correlated(
            f'SELECT COUNT(*) FROM {versions} WHERE "model_id" = {{id}}',
            output_field=IntegerField(),
        ),
        "shares_total": Correlated(
            f'SELECT COUNT(*) FROM {shares} WHERE "model_id" = {{id}}',
            output_field=IntegerField(),
        ),
        "latest_version_name": Correlated(
            f'SELECT "name" FROM {versions} WHERE "model_id" = {{id}} '
            'ORDER BY "created_at" DESC, "id" DESC LIMIT 1',
            output_field=CharField(),
        ),
        "tag_rows": TagsOf(),
    }
    if user is not None and not user.is_superuser:
        facts["my_role"] = Correlated(
            f'SELECT "role" FROM {shares} WHERE "model_id" = {{id}} AND "user_id" = %s',
            [user.pk],
            output_field=CharField(),
        )
    return facts

"""What a card shows beyond a model's own columns, read within the page's own query: the
documented seam through which counts from other apps reach the catalog's cards.

Each fact is a scalar subquery correlated with the outer row's id, written in SQL that SQLite
and PostgreSQL both run. The list compiles these on every request: as ORM `Subquery`
expressions they cost about a third of a millisecond each to build and compile, as SQL a few
microseconds. Evaluated for the page's rows only, whatever the number of matches.
"""

# ruff: noqa: S608 — the SQL is fixed text around table names from the models' own meta;
# the only value (a user id) is passed as a parameter.

import json
from collections.abc import Callable
from types import SimpleNamespace

from django.db.models import Expression, F, TextField

from models_app.tags.models import Tag


def table(model) -> str:
    """The quoted table name of a model class, for the SQL of a fact."""
    return f'"{model._meta.db_table}"'


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
        # AIModel.tags's table, reached from the tag's side: models.py imports this module.
        through, tags = table(Tag.models.through), table(Tag)
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


# The one place a card fact is added: name → factory(user) returning its expression (or None
# when it has nothing to say for that user). Apps above catalog register the facts drawn from
# their own tables (versions: counts and the latest version; sharing: people and my role),
# from their AppConfig.ready(); catalog registers the tags.
_FACTS: dict[str, Callable] = {}


def register_card_fact(name: str, factory: Callable) -> None:
    _FACTS[name] = factory


def card_facts(user=None) -> dict[str, Expression]:
    """Every registered fact as an annotation: among them `versions_total`,
    `latest_version_name`, `shares_total` (people with access = 1 + shares), `tag_rows`
    (see TagsOf) and, given a user who is not a superuser, `my_role` (their share role, for
    the ⋮ menu without a query per card)."""
    facts = {}
    for name, factory in _FACTS.items():
        expression = factory(user)
        if expression is not None:
            facts[name] = expression
    return facts


register_card_fact("tag_rows", lambda user: TagsOf())

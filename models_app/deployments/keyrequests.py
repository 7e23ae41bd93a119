"""What a gateway request made with an endpoint key needs from the database, in one query:
the key (not revoked), its creator, its model and that model's ready deployments, newest
first, each with its version's name (SPEC §7).

Read fresh on every request, in every process, with nothing cached: revoking the key,
stopping, moving or restarting a deployment, deactivating the creator, renaming the model or
editing its allowlist count from the next request. The rules stay where they were: whether
the key may be used is `keys.key_usable`, whether its creator may see the model is the access
module's `can` (a role granted by a share is read there, as for any caller).

Why one hand-written query: through the ORM the same reads were two queries compiled on
each request, building every column of five tables (the key lookup 2.9-3.4 ms and the
deployment lookup 2.5-3.0 ms of a 10-12 ms embeddings request, bench/README.md "issue 13");
this is one round trip of the columns the gateway reads. Its notion of "ready" is
`DeploymentQuerySet.ready()`, checked against it by tests/gateway/test_key_requests.py."""

from dataclasses import dataclass
from functools import cache

from django.db import connections, router

from models_app.accounts.models import User
from models_app.api.services import token_digest
from models_app.catalog.models import AIModel
from models_app.versions.models import ModelVersion

from .keys import KEY_START, key_usable
from .models import Deployment, Desired, EndpointKey, State

# The columns read of each table: what the gateway, the access check and the usage row use.
# A field left out is deferred: reading it would cost a query of its own.
COLUMNS = {
    EndpointKey: (
        "id",
        "model_id",
        "name",
        "prefix",
        "rate_limit_rpm",
        "created_by_id",
        "created_at",
        "expires_at",
        "revoked_at",
    ),
    User: ("id", "email", "is_active", "is_superuser", "is_staff", "tenant_id"),
    AIModel: ("id", "uuid", "owner_id", "title", "repo_namespace", "repo_name", "ip_allowlist"),
    Deployment: (
        "id",
        "model_id",
        "version_id",
        "runtime",
        "task",
        "upstream_url",
        "upstream_model",
        "upstream_key_encrypted",
        "upstream_key_env",
        "desired",
        "state",
        "base_url",
        "created_at",
    ),
    ModelVersion: ("id", "model_id", "name"),
}
ALIASES = {EndpointKey: "k", User: "u", AIModel: "m", Deployment: "d", ModelVersion: "v"}


@dataclass(frozen=True)
class KeyRequest:
    """The key (with `created_by` and `model` set) and the model's ready deployments, newest
    first (each with `model` and `version` set)."""

    key: EndpointKey
    ready: list


class _Table:
    """The selected fields of one model, with the converters the ORM would apply to them."""

    def __init__(self, model, alias: str, connection):
        wanted = COLUMNS[model]
        # Model.from_db takes the values in the order of the model's own fields.
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.attname in wanted]
        self.attnames = [f.attname for f in self.fields]
        self.sql = [f"{alias}.{connection.ops.quote_name(f.column)}" for f in self.fields]
        self.converters = []
        for field in self.fields:
            column = field.get_col(alias)
            self.converters.append(
                (
                    column,
                    connection.ops.get_db_converters(column) + column.get_db_converters(connection),
                )
            )

    def build(self, values, connection, db):
        converted = []
        for value, (column, converters) in zip(values, self.converters, strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            converted.append(value)
        return self.model.from_db(db, self.attnames, converted)


@dataclass(frozen=True)
class _Query:
    sql: str
    tables: list
    # Where each table's columns lie in a row: (start, end) per table, in `tables`' order.
    spans: list


@cache
def _query(alias_of_db: str) -> _Query:
    """The SQL and the columns' converters, made once per database. The converters come from
    the connection of the thread that asked first; they depend on the backend and the
    settings (time zone), not on that connection, and each call is given its own."""
    connection = connections[alias_of_db]
    q = connection.ops.quote_name
    tables = [_Table(model, ALIASES[model], connection) for model in COLUMNS]
    key, user, model, deployment, version = (m._meta for m in COLUMNS)

    def column(meta, name):
        return q(meta.get_field(name).column)

    # The conditions of DeploymentQuerySet.ready(): state ready, wanted running, a base_url.
    # Only quoted names of the models' own tables and columns are formatted in; every value
    # is a parameter.
    sql = (
        f"SELECT {', '.join(c for t in tables for c in t.sql)} "  # noqa: S608
        f"FROM {q(key.db_table)} k "
        f"JOIN {q(user.db_table)} u ON u.{column(user, 'id')} = k.{column(key, 'created_by')} "
        f"JOIN {q(model.db_table)} m ON m.{column(model, 'id')} = k.{column(key, 'model')} "
        f"LEFT JOIN {q(deployment.db_table)} d ON d.{column(deployment, 'model')} = "
        f"m.{column(model, 'id')} AND d.{column(deployment, 'state')} = %s "
        f"AND d.{column(deployment, 'desired')} = %s AND d.{column(deployment, 'base_url')} <> '' "
        f"LEFT JOIN {q(version.db_table)} v ON v.{column(version, 'id')} = "
        f"d.{column(deployment, 'version')} "
        f"WHERE k.{column(key, 'secret_hash')} = %s AND k.{column(key, 'revoked_at')} IS NULL "
        f"ORDER BY d.{column(deployment, 'created_at')} DESC, d.{column(deployment, 'id')} DESC"
    )
    spans, start = [], 0
    for table in tables:
        spans.append((start, start + len(table.fields)))
        start += len(table.fields)
    return _Query(sql=sql, tables=tables, spans=spans)


def key_request(secret: str) -> KeyRequest | None:
    """The usable key with this secret and its model's ready deployments, else None
    (unknown, revoked, expired, or its creator deactivated or gone)."""
    if not secret.startswith(KEY_START):
        return None
    db = router.db_for_read(EndpointKey)
    connection = connections[db]
    query = _query(db)
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [State.READY, Desired.RUNNING, token_digest(secret)])
        rows = cursor.fetchall()
    if not rows:
        return None
    key_table, user_table, model_table, deployment_table, version_table = query.tables

    def part(row, index):
        start, end = query.spans[index]
        return row[start:end]

    first = rows[0]
    key = key_table.build(part(first, 0), connection, db)
    key.created_by = user_table.build(part(first, 1), connection, db)
    model = model_table.build(part(first, 2), connection, db)
    key.model = model
    if not key_usable(key):
        return None
    ready = []
    for row in rows:
        values = part(row, 3)
        if values[0] is None:  # the LEFT JOIN found no ready deployment
            break
        deployment = deployment_table.build(values, connection, db)
        deployment.model = model
        version = version_table.build(part(row, 4), connection, db)
        version.model = model
        deployment.version = version
        ready.append(deployment)
    return KeyRequest(key=key, ready=ready)

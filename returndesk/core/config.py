"""Per-process caches of configuration that changes rarely and is read on every case change:
the working calendar, the SLA policies, hours and timeout rules, the webhook endpoints, the
notification templates. Correct across processes, not merely eventually:

- Each cache has a name and a token in core.ConfigVersion. Database triggers on the tables it is
  built from (`config_trigger_sql`, installed by each owning app's migration) write a new random
  token on every INSERT, UPDATE, DELETE (and TRUNCATE on PostgreSQL), in the writing
  transaction, whatever wrote it: the admin, a service, `QuerySet.update()`, a data migration or
  raw SQL. Random, not a counter: a rolled-back change cannot bring an old token back with other
  data behind it.
- `ConfigCache.get()` reads the tokens (one query for all caches), and rebuilds its value when
  the token differs from the one it was built under. The token is read before the data, so a
  change committed in between only causes one more rebuild, never a stale value kept.
- The tokens are read once per request (`ConfigScopeMiddleware`, or `config_scope()` around a
  task), otherwise once per use. A request sees the configuration as of its start, as if it had
  run a moment earlier; a write inside the scope drops the scope's tokens (post_save and
  post_delete of the watched models), so the request then reads its own change.
- The test runner's flush empties the tables and the tokens together without firing row
  triggers on PostgreSQL; flush sends post_migrate, which clears every cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

from django.db import connection
from django.db.models.signals import post_delete, post_migrate, post_save

T = TypeVar("T")
_UNSET = object()
_CACHES: dict[str, ConfigCache] = {}
_TOKENS: ContextVar[dict | None] = ContextVar("returndesk_config_tokens", default=None)


class ConfigCache(Generic[T]):
    """`load()` built once per process and kept while the configuration's token is unchanged.
    The value is shared by every request and thread of the process: treat it as read-only."""

    def __init__(self, name: str, *, models: Iterable[str], load: Callable[[], T]) -> None:
        self.name = name
        self.models = tuple(models)
        self.load = load
        self._entry: tuple[object, object] = (_UNSET, None)
        self._lock = threading.Lock()
        _CACHES[name] = self
        for label in self.models:
            for signal in (post_save, post_delete):
                signal.connect(
                    _forget_tokens, sender=label, weak=False, dispatch_uid=f"config:{name}:{label}"
                )

    def get(self) -> T:
        token = tokens().get(self.name, "")
        built_under, value = self._entry
        if built_under == token:
            return value  # type: ignore[return-value]
        with self._lock:  # one rebuild at a time per process (the worker runs threads)
            built_under, value = self._entry
            if built_under != token:
                value = self.load()
                self._entry = (token, value)
        return value  # type: ignore[return-value]

    def clear(self) -> None:
        self._entry = (_UNSET, None)


def settings_row_cache(name: str, label: str) -> ConfigCache:
    """A cache of a singleton settings model's row (pk 1, created with its defaults when missing).
    Its `current()` returns `copy.deepcopy(cache.get())`: callers may change and save their copy
    (a JSON list included) without touching what other requests see. The owning app's migration
    installs the triggers (`config_trigger_operations(table, name)`)."""

    def load():
        from django.apps import apps

        return apps.get_model(label).objects.get_or_create(pk=1)[0]

    return ConfigCache(name, models=[label], load=load)


def tokens() -> dict[str, str]:
    """Every cache's current token (one query), remembered for the rest of the scope if any.
    Read with a plain cursor: it runs on every request, and building it through the ORM would
    cost ten times the query itself."""
    from .models import ConfigVersion

    scope = _TOKENS.get()
    if scope is not None and "tokens" in scope:
        return scope["tokens"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, token FROM {ConfigVersion._meta.db_table}")
        found = dict(cursor.fetchall())
    if scope is not None:
        scope["tokens"] = found
    return found


@contextmanager
def config_scope() -> Iterator[None]:
    """Read the tokens at most once inside the block (a request, a task)."""
    reset = _TOKENS.set({})
    try:
        yield
    finally:
        _TOKENS.reset(reset)


class ConfigScopeMiddleware:
    """One read of the configuration tokens per request, however many caches it uses."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with config_scope():
            return self.get_response(request)


def _forget_tokens(**kwargs) -> None:
    """A watched row was written in this process: the trigger has replaced the token, so read
    the tokens again (this request must see its own change)."""
    scope = _TOKENS.get()
    if scope is not None:
        scope.pop("tokens", None)


def clear_all(**kwargs) -> None:
    for cache in _CACHES.values():
        cache.clear()
    _forget_tokens()


post_migrate.connect(clear_all, dispatch_uid="config:clear_all")


def config_trigger_sql(
    vendor: str, table: str, name: str, *, update_of: Iterable[str] | None = None
) -> tuple[list[str], list[str]]:
    """(create, drop) statements of the triggers that give cache `name` a new token whenever
    `table` changes. PostgreSQL: one trigger per statement, TRUNCATE included; the function
    core_config_changed() is created by core's migration 0003. SQLite: one per row and kind.
    `update_of` limits the UPDATE trigger to statements that set one of these columns (a cache
    that does not read a busy column, like a token's last use, is not rebuilt for it)."""
    update = f"UPDATE OF {', '.join(update_of)}" if update_of else "UPDATE"
    if vendor == "postgresql":
        trigger = f"{table}_config_version"
        return (
            [
                f"CREATE TRIGGER {trigger} AFTER INSERT OR {update} OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION core_config_changed('{name}')"
            ],
            [f"DROP TRIGGER IF EXISTS {trigger} ON {table}"],
        )
    if vendor == "sqlite":
        create, drop = [], []
        for kind in ("INSERT", "UPDATE", "DELETE"):
            trigger = f"{table}_config_version_{kind.lower()}"
            create.append(
                f"CREATE TRIGGER {trigger} AFTER {update if kind == 'UPDATE' else kind} ON {table} BEGIN "
                f"INSERT INTO core_configversion (name, token) VALUES ('{name}', lower(hex(randomblob(16)))) "
                "ON CONFLICT (name) DO UPDATE SET token = excluded.token; END"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {trigger}")
        return create, drop
    raise NotImplementedError(f"configuration caches need triggers for {vendor}")


def config_trigger_operations(table: str, name: str, *, update_of: Iterable[str] | None = None):
    """A RunPython operation installing (and on reverse, dropping) the triggers of `table`."""
    from django.db import migrations

    columns = tuple(update_of) if update_of else None

    def run(schema_editor, which: int) -> None:  # 0: create, 1: drop
        vendor = schema_editor.connection.vendor
        for statement in config_trigger_sql(vendor, table, name, update_of=columns)[which]:
            schema_editor.execute(statement)

    return migrations.RunPython(lambda apps, editor: run(editor, 0), lambda apps, editor: run(editor, 1))

"""The base task of every platform task.

Each task declares its ``scope``:

* ``"tenant"``: runs inside one entity's schema. Sending it from the public schema is refused at once
  (``TenantRequiredError``), and a worker that receives one without an entity refuses to run it, so a
  tenant task can never silently run against ``public``.
* ``"public"``: runs in the public schema (shared services, federation) whatever schema the sender
  was in.

Tasks are sent with ``task.send_on_commit(...)``: the entity is captured when the call is made, the
message leaves only if the transaction commits. After every task the worker's connection is put back
on ``public``.
"""

from __future__ import annotations

from typing import Any

from celery.signals import task_postrun, worker_process_init
from django.db import transaction
from django_tenants.utils import get_public_schema_name
from tenant_schemas_celery.task import TenantTask

from config.db import connection

SCHEMA_HEADER = "_schema_name"


class TenantRequiredError(RuntimeError):
    """A tenant-scoped task was sent or received without an entity."""


class PlatformTask(TenantTask):
    abstract = True
    scope: str = "public"

    def _schema_headers(self, headers: dict[str, Any] | None) -> dict[str, Any]:
        headers = dict(headers or {})
        public = get_public_schema_name()
        if self.scope == "public":
            headers[SCHEMA_HEADER] = public
            return headers
        if self.scope != "tenant":
            raise ValueError(f"Task {self.name}: scope must be 'tenant' or 'public', not {self.scope!r}")
        schema = headers.get(SCHEMA_HEADER) or connection.schema_name
        if schema == public:
            raise TenantRequiredError(
                f"Task {self.name} is tenant-scoped and was sent from the public schema; "
                "send it inside an entity's context (tenant_context / a request on its subdomain)."
            )
        headers[SCHEMA_HEADER] = schema
        return headers

    def apply_async(
        self,
        args=None,
        kwargs=None,
        task_id=None,
        producer=None,
        link=None,
        link_error=None,
        shadow=None,
        **options,
    ):  # type: ignore[no-untyped-def]
        options["headers"] = self._schema_headers(options.get("headers"))
        return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)

    def apply(self, args=None, kwargs=None, *arg, **kw):  # type: ignore[no-untyped-def]
        kw["headers"] = self._schema_headers(kw.get("headers"))
        return super().apply(args, kwargs, *arg, **kw)

    # True for tasks whose decisions are kept in the database and swept up again when their message
    # is lost: a broker that is down at commit time is logged, never turned into an error for a
    # caller whose transaction has already committed.
    robust_send: bool = False

    def send_on_commit(self, *args: Any, **kwargs: Any) -> None:
        """Send once the current transaction commits, in the schema current *now*."""
        headers = self._schema_headers(None)
        transaction.on_commit(lambda: self.apply_async(args, kwargs, headers=headers), robust=self.robust_send)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        current = connection.schema_name
        public = get_public_schema_name()
        if self.scope == "tenant" and current == public:
            raise TenantRequiredError(f"Task {self.name} is tenant-scoped and refused to run in the public schema.")
        if self.scope == "public" and current != public:
            raise TenantRequiredError(f"Task {self.name} is public-scoped and refused to run in schema {current!r}.")
        return super().__call__(*args, **kwargs)


def _back_to_public(**_: Any) -> None:
    connection.set_schema_to_public()


# Connected after tenant-schemas-celery's own restore handler: whatever schema the task left, the
# next one starts from public.
task_postrun.connect(_back_to_public, dispatch_uid="platform_back_to_public", weak=False)
worker_process_init.connect(_back_to_public, dispatch_uid="platform_worker_public", weak=False)

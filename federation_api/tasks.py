from __future__ import annotations

from config.celery import app

from .services import provisioning_run


@app.task(scope="public", name="federation_api.provision_entity")
def provision_entity(request_id: str) -> str:
    """Build the entity of a provisioning request (idempotent: a finished request is left alone)."""
    return str(provisioning_run(request_id=request_id).status)

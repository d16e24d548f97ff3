"""bench/scaleout's front: two gunicorn instances behind its one round-robin address serve an entity's
page by its Host header, each instance (and each of its processes) taking its turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scaleout import Proxy, access_log, request, web
from tests.conftest import subprocess_env

pytestmark = pytest.mark.django_db  # the session's entities (committed once) are what gunicorn serves


def test_two_gunicorn_instances_behind_one_address_serve_an_entity_page(group, tmp_path: Path) -> None:
    with web(2, 1, subprocess_env(), tmp_path, workers_up=False) as ports, Proxy(ports) as proxy:
        answers = [
            request(proxy.port, group.alpha.host, "GET", "/accounts/login/", headers={"X-Bench-Phase": "traffic"})
            for _ in range(4)
        ]
        unknown = request(proxy.port, "nobody.localhost", "GET", "/accounts/login/")
    assert [status for status, _, _ in answers] == [200, 200, 200, 200]
    assert all(b"csrfmiddlewaretoken" in body for _, _, body in answers)
    assert unknown[0] == 404  # routed by the Host header, through the proxy too
    assert sorted(proxy.counts.values()) == [2, 3]  # round robin over both instances
    per_pid, per_instance = access_log(tmp_path, 2)
    assert per_instance == {0: 2, 1: 2} and len(per_pid) == 2  # two processes, two requests each

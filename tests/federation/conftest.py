"""Clients of the federation's tests: signed in as a given group user, or as the group manager."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


def signed_in(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def gina(group) -> Client:
    """The group manager (superuser of the group site)."""
    return signed_in(get_user_model().objects.get(username=group.manager_username))

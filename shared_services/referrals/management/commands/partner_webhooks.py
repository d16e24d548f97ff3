"""The group team's hand on the partners' webhook endpoints: list, add, rotate a secret, deactivate,
send a failed delivery again. A secret is printed once, when created or rotated."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.errors import PlatformError
from shared_services.referrals import selectors, services
from shared_services.referrals.models import Partner, WebhookEvent


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise CommandError(f"{value!r} is not an id") from None


class Command(BaseCommand):
    help = "Manage the partners' webhook endpoints (list, add, rotate, deactivate, redeliver)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="every endpoint (never its secret)")
        listing.add_argument("--partner", help="partner slug")
        add = actions.add_parser("add", help="register an endpoint; prints its secret once")
        add.add_argument("--partner", required=True, help="partner slug (microstart, coopcity, dynamo-coop)")
        add.add_argument("--url", required=True)
        add.add_argument("--event", action="append", choices=WebhookEvent.values, required=True)
        rotate = actions.add_parser("rotate", help="a new secret for an endpoint; prints it once")
        rotate.add_argument("endpoint_id")
        deactivate = actions.add_parser("deactivate", help="stop sending to an endpoint")
        deactivate.add_argument("endpoint_id")
        redeliver = actions.add_parser("redeliver", help="send a failed delivery again")
        redeliver.add_argument("delivery_id")

    def handle(self, *args: Any, **options: Any) -> None:
        by = "manage.py partner_webhooks"
        try:
            self._run(options, by)
        except PlatformError as error:
            raise CommandError(f"{error.code}: {error.message}") from None

    def _run(self, options: dict[str, Any], by: str) -> None:
        action = options["action"]
        if action == "list":
            for endpoint in selectors.webhook_endpoints_for_team():
                if options["partner"] and endpoint.partner.slug != options["partner"]:
                    continue
                state = "active" if endpoint.active else "inactive"
                self.stdout.write(
                    f"{endpoint.public_id} {endpoint.partner.slug} {state} {','.join(endpoint.events)} {endpoint.url}"
                )
        elif action == "add":
            partner = Partner.objects.filter(slug=options["partner"]).first()
            if partner is None:
                raise CommandError(f"no partner {options['partner']!r}")
            endpoint = services.webhook_endpoint_create(
                partner=partner, url=options["url"], events=options["event"], by=by
            )
            self.stdout.write(f"{partner.name} endpoint {endpoint.public_id}, signing secret (shown once):")
            self.stdout.write(endpoint.secret)
        elif action == "rotate":
            endpoint = services.webhook_secret_rotate(partner=None, endpoint_id=_uuid(options["endpoint_id"]), by=by)
            self.stdout.write(f"endpoint {endpoint.public_id}, new signing secret (shown once):")
            self.stdout.write(endpoint.secret)
        elif action == "deactivate":
            endpoint = services.webhook_endpoint_deactivate(
                partner=None, endpoint_id=_uuid(options["endpoint_id"]), by=by
            )
            self.stdout.write(f"endpoint {endpoint.public_id} deactivated")
        else:
            delivery = services.webhook_redeliver(partner=None, delivery_id=_uuid(options["delivery_id"]), by=by)
            self.stdout.write(f"delivery {delivery.public_id} will be sent again")

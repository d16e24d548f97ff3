"""The governance API on the group domain (``/governance/api/``), for the governance team only
(session authentication): the register, capital, assemblies' results, and recording a vote. It owns
no rule: every write goes through ``services``; refusals come back as ``{"error": {"code", ...}}``."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import errors, selectors, services
from .models import AgendaItem, Assembly, Channel, Choice, Cooperator, ResolutionResult


class IsGovernanceTeam(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(request, "entity", None) is not None:
            return False
        user_id = request.user.pk if request.user and request.user.is_authenticated else None
        return user_id is not None and selectors.user_in_governance_team(user_id=user_id)


class GovernanceApi(APIView):
    permission_classes = [IsGovernanceTeam]


class CooperatorListApi(GovernanceApi):
    def get(self, request: Request) -> Response:
        rows = [
            {
                "id": str(row.cooperator.public_id),
                "person_id": str(row.cooperator.person_id),
                "display_name": row.cooperator.display_name,
                "kind": row.cooperator.kind,
                "category": row.cooperator.category,
                "entity_of_origin": row.cooperator.entity_of_origin.slug,
                "shares": row.shares,
                "capital": {currency: str(amount) for currency, amount in row.capital.items()},
            }
            for row in selectors.register()
        ]
        return Response({"results": rows})


class CapitalApi(GovernanceApi):
    def get(self, request: Request) -> Response:
        def flat(totals: dict[tuple[str, str], Any]) -> list[dict[str, str]]:
            return [
                {"key": key, "currency": currency, "amount": str(amount)} for (key, currency), amount in totals.items()
            ]

        return Response(
            {
                "total": {currency: str(amount) for currency, amount in selectors.capital_total().items()},
                "by_category": flat(selectors.capital_totals(by="category")),
                "by_entity": flat(selectors.capital_totals(by="entity")),
            }
        )


class AssemblyResultsApi(GovernanceApi):
    def get(self, request: Request, assembly_id: Any) -> Response:
        assembly = get_object_or_404(Assembly, public_id=assembly_id)
        results = {r.item_id: r for r in ResolutionResult.objects.filter(item__assembly=assembly)}
        items = []
        for item in assembly.items.select_related("resolution_type"):
            result = results.get(item.pk)
            items.append(
                {
                    "id": str(item.public_id),
                    "position": item.position,
                    "title": item.title,
                    "resolution_type": item.resolution_type.code if item.resolution_type else None,
                    "result": None
                    if result is None
                    else {
                        "eligible": result.eligible,
                        "participants": result.participants,
                        "for": result.votes_for,
                        "against": result.votes_against,
                        "abstain": result.abstentions,
                        "share_for": f"{result.for_numerator}/{result.for_denominator}",
                        "quorum_met": result.quorum_met,
                        "majority_met": result.majority_met,
                        "adopted": result.adopted,
                    },
                }
            )
        return Response({"id": str(assembly.public_id), "status": assembly.status, "items": items})


class VoteInput(serializers.Serializer):
    voter_person_id = serializers.UUIDField()
    choice = serializers.ChoiceField(choices=Choice.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.REMOTE)
    proxy_holder_person_id = serializers.UUIDField(required=False, allow_null=True)


def _cooperator(person_id: Any, field: str) -> Cooperator:
    cooperator = Cooperator.objects.filter(person_id=person_id).first()
    if cooperator is None:
        raise errors.catalog.error(errors.UNKNOWN_PERSON, field=field, status=404)
    return cooperator


class VoteApi(GovernanceApi):
    def post(self, request: Request, item_id: Any) -> Response:
        item = get_object_or_404(AgendaItem, public_id=item_id)
        data = VoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        holder = values.get("proxy_holder_person_id")
        services.vote_cast(
            item=item,
            voter=_cooperator(values["voter_person_id"], "voter_person_id"),
            choice=values["choice"],
            channel=values["channel"],
            proxy_holder=_cooperator(holder, "proxy_holder_person_id") if holder else None,
            by=request.user.get_username(),
        )
        # Nothing identifies the ballot: the answer says only that the vote was recorded.
        return Response({"recorded": True}, status=status.HTTP_201_CREATED)

"""Group admin: the rules as data (nominal value, service-use rule, resolution types, board rules),
the board's seats and the governance team. The register is read-only here (its services write it);
ballots and participations are deliberately absent."""

from django.contrib import admin

from config.admin_sites import ReadOnlyAdmin, group_admin_site

from .models import (
    BoardRule,
    BoardSeat,
    Cooperator,
    GovernanceRule,
    GovernanceTeamMembership,
    NominalValue,
    ResolutionType,
    ShareTransaction,
)


@admin.register(NominalValue, site=group_admin_site)
class NominalValueAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "amount", "currency"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a new value is a new row; share classes keep theirs anyway

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(GovernanceRule, site=group_admin_site)
class GovernanceRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "effective_from", "value", "note"]


@admin.register(ResolutionType, site=group_admin_site)
class ResolutionTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "quorum_percent", "majority_numerator", "majority_denominator", "majority_strict"]


@admin.register(BoardRule, site=group_admin_site)
class BoardRuleAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "min_gender_percent", "max_renewed_percent"]


@admin.register(BoardSeat, site=group_admin_site)
class BoardSeatAdmin(admin.ModelAdmin):
    list_display = ["cooperator", "since", "term_ends"]
    raw_id_fields = ["cooperator"]


@admin.register(GovernanceTeamMembership, site=group_admin_site)
class GovernanceTeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "since"]
    raw_id_fields = ["user"]


@admin.register(Cooperator, site=group_admin_site)
class CooperatorAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "category", "kind", "entity_of_origin", "admitted_on"]
    list_filter = ["category", "kind"]
    search_fields = ["display_name", "person_id"]


@admin.register(ShareTransaction, site=group_admin_site)
class ShareTransactionAdmin(ReadOnlyAdmin):
    list_display = ["on", "kind", "share_class", "count", "price_per_share", "from_cooperator", "to_cooperator"]
    list_filter = ["kind"]

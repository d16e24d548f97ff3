"""Who may use the governance pages: signed-in group users in the governance team
(``GovernanceTeamMembership``), on the group domain only. Being a superuser is not enough."""

from __future__ import annotations

from config.access import group_page_required

from .selectors import user_in_governance_team

governance_team_required = group_page_required(lambda user: user_in_governance_team(user_id=user.pk))

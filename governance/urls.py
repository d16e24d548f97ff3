from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.register_home, name="governance_register"),
    path("cooperators/new/", views.cooperator_admit, name="governance_cooperator_admit"),
    path("cooperators/<uuid:cooperator_id>/", views.cooperator_detail, name="governance_cooperator"),
    path(
        "cooperators/<uuid:cooperator_id>/certificate.pdf",
        views.cooperator_certificate,
        name="governance_cooperator_certificate",
    ),
    path(
        "cooperators/<uuid:cooperator_id>/<str:action>/",
        views.cooperator_shares,
        name="governance_cooperator_shares",
    ),
    path("assemblies/", views.assembly_list, name="governance_assembly_list"),
    path("assemblies/<uuid:assembly_id>/", views.assembly_detail, name="governance_assembly"),
    path("assemblies/<uuid:assembly_id>/<str:action>/", views.assembly_action, name="governance_assembly_action"),
    path(
        "assemblies/<uuid:assembly_id>/links/<uuid:cooperator_id>/",
        views.voting_link_reissue,
        name="governance_voting_link_reissue",
    ),
    path("vote/<str:token>/", views.remote_vote, name="governance_remote_vote"),
    path("items/<uuid:item_id>/vote/", views.vote_record, name="governance_vote"),
    path("board/", views.board, name="governance_board"),
    path("board/lists/<uuid:list_id>/<str:action>/", views.candidate_list_action, name="governance_list_action"),
    path("report/<int:year>/", views.social_report, name="governance_social_report"),
    path("report/<int:year>.pdf", views.social_report_pdf, name="governance_social_report_pdf"),
    path("ethics/", views.ethics, name="governance_ethics"),
    path("ethics/<uuid:referral_id>/<str:action>/", views.ethics_action, name="governance_ethics_action"),
    path("participation/", views.participation, name="governance_participation"),
    path("participation/<str:action>/", views.participation_action, name="governance_participation_action"),
    path(
        "participation/<str:action>/<uuid:thing_id>/",
        views.participation_action,
        name="governance_participation_thing",
    ),
    path("api/cooperators/", api.CooperatorListApi.as_view(), name="governance_api_cooperators"),
    path("api/capital/", api.CapitalApi.as_view(), name="governance_api_capital"),
    path("api/assemblies/<uuid:assembly_id>/", api.AssemblyResultsApi.as_view(), name="governance_api_assembly"),
    path("api/items/<uuid:item_id>/votes/", api.VoteApi.as_view(), name="governance_api_vote"),
]

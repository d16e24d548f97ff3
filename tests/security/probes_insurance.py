"""Values of the insurance pages' URL parameters: the rows of every test entity."""


def _claims(group) -> list[str]:
    from shared_services.insurance.models import Claim

    return [str(pk) for pk in Claim.objects.values_list("public_id", flat=True)]


def _documents(group) -> list[str]:
    from shared_services.insurance.models import ClaimDocument

    return [str(pk) for pk in ClaimDocument.objects.values_list("public_id", flat=True)]


PROBES = {"claim_id": _claims, "document_id": _documents}

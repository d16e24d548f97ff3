"""Values of the financing and referral pages' URL parameters: the rows of every test entity."""


def _loans(group) -> list[str]:
    from shared_services.financing.models import EquipmentLoan

    return [str(pk) for pk in EquipmentLoan.objects.values_list("public_id", flat=True)]


def _referrals(group) -> list[str]:
    from shared_services.referrals.models import Referral

    return [str(pk) for pk in Referral.objects.values_list("public_id", flat=True)]


PROBES = {"loan_id": _loans, "referral_id": _referrals}

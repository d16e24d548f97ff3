"""Memos of ledger lines: stored in English as stable keys, translated when shown (``memo_display``).

An entry's description holds only names, numbers and dates, so nothing stored depends on the
language of whoever posted it; the entry kind and these memos carry the words.
"""

from django.utils.translation import gettext, gettext_noop

AMOUNT_DUE = gettext_noop("amount due")
VAT = gettext_noop("VAT")
INCOME = gettext_noop("income excl. VAT")
LEVY = gettext_noop("single percentage")
CREDITED = gettext_noop("credited")
VAT_CREDITED = gettext_noop("VAT credited")
INCOME_CREDITED = gettext_noop("income credited")
LEVY_GIVEN_BACK = gettext_noop("single percentage given back")
EXPENSE_REFUND = gettext_noop("expense refund")
SMOOTHING_FUNDED = gettext_noop("wages, open-ended contract")
CONTRACT = {
    "wage": gettext_noop("wage"),
    "fees": gettext_noop("fees"),
    "authors_rights": gettext_noop("author's rights"),
}


def memo_display(memo: str) -> str:
    return gettext(memo) if memo else ""

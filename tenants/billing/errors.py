from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

CURRENCY_MISMATCH = "billing_currency_mismatch"
NOT_DRAFT = "billing_document_not_draft"
NO_LINES = "billing_document_without_lines"
VAT_RATE_INVALID = "billing_vat_rate_invalid"
QUANTITY_INVALID = "billing_quantity_invalid"
PRICE_INVALID = "billing_price_invalid"
PAYMENT_EXCEEDS_DUE = "billing_payment_exceeds_due"
PAYMENT_INVALID = "billing_payment_invalid"
NOT_ISSUED = "billing_document_not_issued"
CREDIT_EXCEEDS_INVOICE = "billing_credit_exceeds_invoice"
CREDIT_OF_INVALID = "billing_credit_note_target_invalid"
FUNDING_NEEDS_FUNDER = "billing_funding_needs_funder"
EXPENSE_INVALID = "billing_expense_invalid"
EXPENSE_STATUS = "billing_expense_wrong_status"
KIND_UNKNOWN = "billing_document_kind_unknown"
COUNTERPARTY_NAME_INVALID = "billing_counterparty_name_invalid"
COUNTERPARTY_COUNTRY_UNKNOWN = "billing_counterparty_country_unknown"
COUNTERPARTY_VAT_INVALID = "billing_counterparty_vat_invalid"
COUNTERPARTY_EMAIL_INVALID = "billing_counterparty_email_invalid"

catalog = ErrorCatalog(
    {
        CURRENCY_MISMATCH: _("All amounts of one document or payment must be in %(expected)s (got %(got)s)."),
        NOT_DRAFT: _("An issued document is never edited: issue a credit note to correct it."),
        NO_LINES: _("A document needs at least one line with an amount."),
        VAT_RATE_INVALID: _("%(rate)s %% is not a VAT rate of %(country)s."),
        QUANTITY_INVALID: _("The quantity must be greater than zero."),
        PRICE_INVALID: _("The unit price must be greater than zero (use a credit note to give money back)."),
        PAYMENT_EXCEEDS_DUE: _("The payment (%(amount)s) is larger than what is still due (%(due)s)."),
        PAYMENT_INVALID: _("A payment must be greater than zero."),
        NOT_ISSUED: _("Only an issued document can be paid or credited."),
        CREDIT_EXCEEDS_INVOICE: _("The credit note (%(amount)s) exceeds what remains of the invoice (%(remaining)s)."),
        CREDIT_OF_INVALID: _("A credit note corrects an issued invoice."),
        FUNDING_NEEDS_FUNDER: _("A grant or sponsorship agreement is signed with a funder."),
        EXPENSE_INVALID: _("An expense needs a description and an amount greater than zero."),
        EXPENSE_STATUS: _("This expense is %(status_label)s: it cannot be %(action)s."),
        KIND_UNKNOWN: _("Unknown kind of document."),
        COUNTERPARTY_NAME_INVALID: _("A name of at most 200 characters is required."),
        COUNTERPARTY_COUNTRY_UNKNOWN: _("Unknown country: use an ISO 3166 two-letter code such as BE or FR."),
        COUNTERPARTY_VAT_INVALID: _("This VAT or company number is not valid for that country."),
        COUNTERPARTY_EMAIL_INVALID: _("This e-mail address is not valid."),
    }
)

from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

ERRORS = ErrorCatalog(
    {
        "erasure_reason_required": _("Say why the person's data is erased (their request, its date or reference)."),
        "erasure_person_unknown": _("No data about this person anywhere in the group: nothing to erase."),
        "erasure_incomplete": _(
            "The erasure was undone: the person's data was still found outside the retained records "
            "(%(where)s). Add those tables to the personal-data registry."
        ),
    }
)

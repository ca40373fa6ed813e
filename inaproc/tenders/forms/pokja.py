"""Forms of the portal administrator's Pokja pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inaproc.accounts.models import User
from inaproc.core.forms import ServiceErrorsForm
from inaproc.core.validators import single_line_validator

NAME_MAX_LENGTH = 200
QUORUM_MAX = 99
USER_ID_MAX = 2**63 - 1


class PokjaForm(ServiceErrorsForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        validators=[single_line_validator],
        help_text=_("Unique on this portal, e.g. “Pokja Pemilihan Konstruksi 1”."),
    )
    quorum = forms.IntegerField(
        label=_("Quorum (optional)"),
        required=False,
        min_value=1,
        max_value=QUORUM_MAX,
        help_text=_(
            "How many members must approve a publication. Leave empty for a majority of "
            "the members."
        ),
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("The quorum is at least 1."),
            "max_value": _("The quorum is at most %(limit_value)s."),
        },
    )


class PokjaMemberAddForm(forms.Form):
    """The member to add, chosen among the portal's staff holding the Pokja role. The
    posted id is looked up by the view (another portal's account: 404) and checked by
    the service, which says why it refuses someone."""

    user = forms.IntegerField(
        label=_("Staff member"),
        min_value=1,
        max_value=USER_ID_MAX,
        help_text=_("Active staff of this portal holding the Pokja role who are not members yet."),
        error_messages={
            "required": _("Choose a staff member."),
            "invalid": _("Choose a staff member."),
        },
    )

    def __init__(self, *args, candidates: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [
            (user.pk, f"{user.full_name or user.username} ({user.username})") for user in candidates
        ]
        self.fields["user"].widget = forms.Select(choices=choices)

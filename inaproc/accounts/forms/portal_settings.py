from django import forms
from django.utils.translation import gettext_lazy as _

from inaproc.portals.models import Portal


class PortalFactorSettingsForm(forms.ModelForm):
    class Meta:
        model = Portal
        fields = [
            "require_second_factor_for_vendor_admins",
            "remember_browser_for_vendors",
            "remember_browser_for_staff",
        ]
        labels = {
            "require_second_factor_for_vendor_admins": _(
                "Vendor administrators must have a second factor"
            ),
            "remember_browser_for_vendors": _(
                "Vendors may tick “Remember this browser for 30 days”"
            ),
            "remember_browser_for_staff": _("Staff may tick “Remember this browser for 30 days”"),
        }
        help_texts = {
            "require_second_factor_for_vendor_admins": _(
                "At their next sign-in they are walked through setting one up before anything "
                "else. Staff always need one."
            ),
            "remember_browser_for_vendors": _(
                "On a remembered browser the second factor is not asked again for 30 days."
            ),
            "remember_browser_for_staff": _(
                "Off is recommended: staff accounts can act on other people's data."
            ),
        }


class PortalContactsForm(forms.ModelForm):
    class Meta:
        model = Portal
        fields = ["helpdesk_phone", "helpdesk_email", "helpdesk_hours", "helpdesk_address"]
        labels = {
            "helpdesk_phone": _("Helpdesk phone"),
            "helpdesk_email": _("Helpdesk email"),
            "helpdesk_hours": _("Opening hours"),
            "helpdesk_address": _("Address"),
        }
        help_texts = {
            "helpdesk_hours": _("For example: Monday–Friday 08.00–16.00 WIB"),
            "helpdesk_address": _("Where users can come in person; several lines are fine."),
        }
        widgets = {"helpdesk_address": forms.Textarea(attrs={"rows": 3})}

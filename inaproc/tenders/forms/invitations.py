from django import forms
from django.utils.translation import gettext_lazy as _


class CompanySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Company name or NPWP"),
        max_length=100,
        required=False,
        help_text=_("Only approved companies of this portal with the package's KBLI are found."),
    )


class CompanyChoiceForm(forms.Form):
    company = forms.IntegerField(min_value=1, max_value=2**31 - 1)

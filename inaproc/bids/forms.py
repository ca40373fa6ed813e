"""Forms of the sealed-bids pages. The crypto happens in the browser; these check what
it sends."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from inaproc.bids.slots import MAX_FILE_MB_LIMIT
from inaproc.seal.encoding import b64u_decode
from inaproc.seal.errors import SealError

_BAD_KEY = _("The browser did not send a valid key. Reload the page and try again.")


def _b64u(value: str, *, sizes: tuple[int, ...], message) -> bytes:
    try:
        raw = b64u_decode(value.strip())
    except SealError:
        raise forms.ValidationError(message) from None
    if len(raw) not in sizes:
        raise forms.ValidationError(message)
    return raw


class OpeningKeyForm(forms.Form):
    public_key = forms.CharField(max_length=200, widget=forms.HiddenInput)
    replace = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_public_key(self) -> bytes:
        return _b64u(self.cleaned_data["public_key"], sizes=(65,), message=_BAD_KEY)


class TenderKeysForm(forms.Form):
    payload = forms.CharField(max_length=200_000, widget=forms.HiddenInput)

    def clean_payload(self) -> object:
        try:
            return json.loads(self.cleaned_data["payload"])
        except ValueError:
            raise forms.ValidationError(_BAD_KEY) from None


class ShareForm(forms.Form):
    envelope = forms.IntegerField(min_value=1, max_value=2, widget=forms.HiddenInput)
    share = forms.CharField(max_length=200, widget=forms.HiddenInput)

    def clean_share(self) -> bytes:
        return _b64u(
            self.cleaned_data["share"],
            sizes=(32, 33),
            message=_("The browser did not send a valid share. Load your key file again."),
        )


class EnvelopeForm(forms.Form):
    envelope = forms.IntegerField(min_value=1, max_value=2, widget=forms.HiddenInput)


class PresealedUploadForm(forms.Form):
    """A file sealed offline (`python -m inaproc.seal`), uploaded without JavaScript."""

    slot = forms.CharField(max_length=30, widget=forms.HiddenInput)
    file = forms.FileField(label=_("Sealed file (.inpseal)"))


class SlotRuleForm(forms.Form):
    max_file_mb = forms.IntegerField(
        label=_("Largest file (MB)"), min_value=1, max_value=MAX_FILE_MB_LIMIT
    )
    extensions = forms.CharField(
        label=_("File types"),
        max_length=200,
        help_text=_("Extensions separated by commas, e.g. pdf, zip, xlsx."),
    )

    def clean_extensions(self) -> str:
        items = [
            item.strip().lower().lstrip(".")
            for item in self.cleaned_data["extensions"].split(",")
            if item.strip()
        ]
        if not items or any(not item.isalnum() or len(item) > 10 for item in items):
            raise forms.ValidationError(
                _("Give file extensions of letters and digits, separated by commas.")
            )
        return ",".join(dict.fromkeys(items))

"""The registration form: the company's data and documents (the fields shared with the
resubmission form), then the account, the consent to the privacy notice and a CAPTCHA."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from inaproc.accounts.captcha import PortalCaptchaField
from inaproc.accounts.forms.human_proof import HumanProofMixin
from inaproc.accounts.forms.passwords import NewPasswordField
from inaproc.accounts.models import Role, User
from inaproc.accounts.services.users import password_validate
from inaproc.accounts.usernames import username_normalize
from inaproc.vendors.companies.data import npwp_taken_message
from inaproc.vendors.companies.documents import required_document_kinds
from inaproc.vendors.companies.forms.company import (
    LICENCE_VALID_UNTIL_FIELD,
    CompanyDataForm,
    DocumentsForm,
    LicenceValidUntilMixin,
    document_errors_add,
    document_field_name,
    input_name,
)
from inaproc.vendors.documents import MULTIPLE_ALLOWED, DocumentKind
from inaproc.vendors.models import LegalForm
from inaproc.vendors.registrations.services.registration import username_taken_message

USERNAME_MAX_LENGTH = 150

# The page's order, which is also the order of the error summary.
COMPANY_FIELDS = ("name", "legal_form", "npwp", "nib")
ADDRESS_FIELDS = ("province", "city", "street", "postal_code", "phone", "email")
SECTOR_FIELDS = ("sectors",)
REPRESENTATIVE_FIELDS = ("representative_name", "representative_nik", "representative_position")
DOCUMENT_FIELDS = (
    *(document_field_name(kind) for kind, _label in DocumentKind.choices),
    LICENCE_VALID_UNTIL_FIELD,
)
ACCOUNT_FIELDS = ("username", "password", "password_again")
FINAL_FIELDS = ("consent", "captcha", "email_code")
FIELD_ORDER = (
    *COMPANY_FIELDS,
    *ADDRESS_FIELDS,
    *SECTOR_FIELDS,
    *REPRESENTATIVE_FIELDS,
    *DOCUMENT_FIELDS,
    *ACCOUNT_FIELDS,
    *FINAL_FIELDS,
)


def document_requirement(kind: str) -> str:
    """Whether a document type is required, in words, for every legal form at once
    (the form is one page: the legal form may still change)."""
    needed_by = [value for value in LegalForm.values if kind in required_document_kinds(value)]
    if len(needed_by) == len(LegalForm.values):
        text = _("Required.")
    elif not needed_by:
        text = _("Optional.")
    else:
        exempt = ", ".join(
            str(label) for value, label in LegalForm.choices if value not in needed_by
        )
        text = _("Required, except for: %(exempt)s.") % {"exempt": exempt}
    if kind in MULTIPLE_ALLOWED:
        several = _("You may upload several files.")
        return f"{text} {several}"
    return str(text)


class RegistrationForm(HumanProofMixin, CompanyDataForm, LicenceValidUntilMixin, DocumentsForm):
    """Everything the registration page asks. Cleaned, it feeds `registration_create`:
    `CompanyData.from_mapping(cleaned_data)`, `checked_uploads()`, `valid_until()`,
    `account_username` and `cleaned_data["password"]`. `held_kinds`: the types of the
    files held from a failed submit."""

    username = forms.CharField(
        label=_("Username"),
        required=False,
        max_length=USERNAME_MAX_LENGTH,
        help_text=_(
            "Optional. Leave it blank to sign in with the company's NPWP (16 digits) as "
            "the username."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = NewPasswordField(label=_("Password"))
    password_again = NewPasswordField(
        label=_("Password again"),
        help_text=_("Type or paste the same password, to catch a typing mistake."),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of this personal data as the privacy notice says."),
        error_messages={
            "required": _(
                "Tick the box to agree to the privacy notice; the portal cannot verify a "
                "company without this data."
            )
        },
    )
    captcha = PortalCaptchaField(form_name="registration")
    code_purpose = "registration"

    def __init__(self, *args, portal, proof_by_code: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.portal = portal
        self.proof_setup(by_code=proof_by_code)
        for kind, _label in DocumentKind.choices:
            self.fields[document_field_name(kind)].help_text = document_requirement(kind)
        valid_until = self.fields[LICENCE_VALID_UNTIL_FIELD]
        valid_until.label = _("Licence valid until")
        valid_until.help_text = _(
            "Optional. The end date printed on the licence, if it has one; we remind you "
            "30 days before. It applies to each licence file uploaded here."
        )
        self.order_fields(FIELD_ORDER)
        # Which of "npwp" / "username" the service found already registered.
        self.taken: set[str] = set()

    def clean_username(self) -> str:
        return username_normalize(self.cleaned_data["username"])

    @property
    def account_username(self) -> str:
        """The username typed, else the NPWP (the usual username of a vendor)."""
        return self.cleaned_data.get("username") or self.cleaned_data.get("npwp", "")

    @sensitive_variables("password", "again")
    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password:
            try:
                password_validate(
                    password=password,
                    user=self._candidate_user(),
                    company_name=cleaned.get("name", ""),
                    npwp=cleaned.get("npwp", ""),
                )
            except ValidationError as error:
                self.add_error("password", error.messages)
        self._documents_check(cleaned)
        if password and again and password != again:
            self.add_error(
                "password_again",
                ValidationError(
                    _("The two passwords are not the same. Type the password twice."),
                    code="password_mismatch",
                ),
            )
        self.proof_check()
        return cleaned

    def _documents_check(self, cleaned: dict) -> None:
        """The documents' errors (a required type without a file) with the other fields'
        errors, not one submit later when the service checks them: this submit's files
        and those held from an earlier one count."""
        uploads = self.checked_uploads()
        new_single = {u.kind for u in uploads if u.kind not in MULTIPLE_ALLOWED}
        held = [kind for kind in self.held_kinds if kind not in new_single]
        kinds = [u.kind for u in uploads] + held
        document_errors_add(self, legal_form=cleaned.get("legal_form"), kinds=kinds)

    def _candidate_user(self) -> User:
        """The account as the service will create it, for the password's similarity checks."""
        return User(
            portal=self.portal,
            role=Role.VENDOR,
            username=self.account_username,
            email=self.cleaned_data.get("email", ""),
            full_name=self.cleaned_data.get("representative_name", ""),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's errors next to their fields: `document:<kind>` on the
        document's field, a field's name on that field, anything else above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        errors = error.message_dict
        if "npwp" in errors and not self.cleaned_data.get("username"):
            # The blank username stood for the NPWP: the NPWP's message says it all.
            errors.pop("username", None)
        self.taken = {
            name
            for name, message in (
                ("npwp", npwp_taken_message()),
                ("username", username_taken_message()),
            )
            if message in errors.get(name, [])
        }
        for key, messages in errors.items():
            name = input_name(key)
            self.add_error(name if name in self.fields else None, messages)

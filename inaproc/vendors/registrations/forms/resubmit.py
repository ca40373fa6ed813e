"""The resubmission form: the company's data and documents as the applicant corrects them
after the verifiers asked for changes. Each field shows the verifier's note on it."""

from inaproc.vendors.companies.data import CompanyData
from inaproc.vendors.companies.forms.company import (
    CompanyDataForm,
)
from inaproc.vendors.companies.forms.documents import field_notes, note_help


class ResubmitForm(CompanyDataForm):
    """The company's data without the email, which stays as registered."""

    email = None

    def __init__(self, *args, notes: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notes = field_notes(notes or {}, self.fields)
        for name, note in self.notes.items():
            self.fields[name].help_text = note_help(note, self.fields[name].help_text)

    def company_data(self, *, email: str) -> CompanyData:
        return CompanyData.from_mapping({**self.cleaned_data, "email": email})

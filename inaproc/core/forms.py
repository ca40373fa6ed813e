"""What every form that hands its data to a service shares."""

from django import forms
from django.core.exceptions import ValidationError


class ServiceErrorsForm(forms.Form):
    """A form whose service may refuse with a ValidationError: `add_service_errors` puts
    each message next to its field, and what belongs to no field above the form."""

    # The service's name for a field, when the form calls it otherwise.
    service_field_names: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            field = self.service_field_names.get(name, name)
            self.add_error(field if field in self.fields else None, messages)

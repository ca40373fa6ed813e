from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def validation_error_to_command_error(error: ValidationError) -> CommandError:
    """Turn field errors into one readable line per field for an operator's terminal."""
    if hasattr(error, "message_dict"):
        lines = [f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()]
    else:
        lines = error.messages
    return CommandError("\n".join(lines))

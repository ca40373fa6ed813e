from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from inaproc.core.commands import validation_error_to_command_error
from inaproc.reference.services import kbli_load


def default_path() -> Path:
    default = settings.BASE_DIR / "inaproc" / "reference" / "data" / "kbli2020.csv"
    # str() first: django-environ's env.path() gives its own Path type, not pathlib's.
    return Path(str(getattr(settings, "KBLI_CSV_PATH", default)))


class Command(BaseCommand):
    help = (
        "Create or update the KBLI 2020 business classification from a CSV file "
        "(code,level,title). A file with any bad row is refused entirely; running it "
        "again with the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, help="CSV file (default: KBLI_CSV_PATH)")

    def handle(self, *args: object, **options: Path | None) -> None:
        path = options["path"] or default_path()
        try:
            result = kbli_load(path=path)
        except ValidationError as error:
            raise validation_error_to_command_error(error) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"KBLI loaded from {path}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        )

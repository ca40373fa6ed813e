"""A warning, shown by `migrate` (and `check --database default`), while the KBLI table
is empty: vendors then cannot pick a business sector."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from inaproc.reference.selectors import kbli_is_loaded


@register(Tags.database)
def kbli_loaded_check(app_configs, databases=None, **kwargs) -> list[Warning]:
    if not databases:
        return []
    try:
        loaded = kbli_is_loaded()
    except DatabaseError:  # the table does not exist yet: migrate creates it
        return []
    if loaded:
        return []
    return [
        Warning(
            "The KBLI 2020 table is empty: vendors cannot choose business sectors.",
            hint="Run `python manage.py load_kbli` (it loads the table shipped in "
            "inaproc/reference/data/kbli2020.csv).",
            id="reference.W001",
        )
    ]

"""KBLI moved to the reference app and HeldUpload to the files app (their migrations
0001 take them over, tables unchanged): the vendors app lets go of them in Django's state
only, and a company's sectors now point to reference.Kbli (same table, same columns)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("vendors", "0003_company_staff_changes_expiry"),
        ("reference", "0001_kbli_from_vendors"),
        ("files", "0001_held_upload_from_vendors"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="company",
                    name="sectors",
                    field=models.ManyToManyField(related_name="companies", to="reference.kbli", verbose_name="business sectors (KBLI)"),
                ),
                migrations.DeleteModel(name="HeldUpload"),
                migrations.DeleteModel(name="Kbli"),
            ],
            database_operations=[],
        ),
    ]

"""The HeldUpload model moves from the vendors app to this one. Its table keeps its name
(`vendors_heldupload`), so nothing changes in the database: only Django's idea of which
app the model belongs to (and the content type's app label). `kind` no longer lists the
vendor document types: a held file may belong to any form."""

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, schema_editor, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model="heldupload"
    ).update(app_label=new)


def forwards(apps, schema_editor):
    rename_content_type(apps, schema_editor, old="vendors", new="files")


def backwards(apps, schema_editor):
    rename_content_type(apps, schema_editor, old="files", new="vendors")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portals", "0002_remember_browser_settings"),
        ("vendors", "0003_company_staff_changes_expiry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HeldUpload",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=30, verbose_name="document type")),
                        ("stored_name", models.CharField(max_length=100, unique=True)),
                        ("original_name", models.CharField(max_length=255, verbose_name="file name")),
                        ("content_type", models.CharField(max_length=50)),
                        ("size", models.PositiveBigIntegerField(verbose_name="size (bytes)")),
                        ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded at")),
                        ("key_hash", models.CharField(db_index=True, max_length=64)),
                        ("portal", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="portals.portal")),
                    ],
                    options={
                        "verbose_name": "held upload",
                        "verbose_name_plural": "held uploads",
                        "db_table": "vendors_heldupload",
                        "ordering": ["kind", "uploaded_at", "pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]

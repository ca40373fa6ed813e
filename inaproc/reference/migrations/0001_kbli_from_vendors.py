"""The KBLI model moves from the vendors app to this one. Its table keeps its name
(`vendors_kbli`), so nothing changes in the database: only Django's idea of which app the
model belongs to (and the content type's app label)."""

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, schema_editor, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model="kbli"
    ).update(app_label=new)


def forwards(apps, schema_editor):
    rename_content_type(apps, schema_editor, old="vendors", new="reference")


def backwards(apps, schema_editor):
    rename_content_type(apps, schema_editor, old="reference", new="vendors")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("vendors", "0003_company_staff_changes_expiry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Kbli",
                    fields=[
                        ("code", models.CharField(max_length=5, primary_key=True, serialize=False, verbose_name="code")),
                        ("level", models.CharField(choices=[("kategori", "Section"), ("golongan_pokok", "Division"), ("golongan", "Group"), ("subgolongan", "Subgroup"), ("kelompok", "Class")], max_length=20, verbose_name="level")),
                        ("title", models.CharField(max_length=500, verbose_name="title")),
                        ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="children", to="reference.kbli", verbose_name="parent")),
                    ],
                    options={
                        "verbose_name": "KBLI code",
                        "verbose_name_plural": "KBLI codes",
                        "db_table": "vendors_kbli",
                        "ordering": ["code"],
                        "constraints": [models.CheckConstraint(condition=models.Q(("level__in", ["kategori", "golongan_pokok", "golongan", "subgolongan", "kelompok"])), name="vendors_kbli_level_valid"), models.CheckConstraint(condition=models.Q(models.Q(("level", "kategori"), ("parent__isnull", True)), models.Q(models.Q(("level", "kategori"), _negated=True), ("parent__isnull", False)), _connector="OR"), name="vendors_kbli_parent_unless_kategori")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]

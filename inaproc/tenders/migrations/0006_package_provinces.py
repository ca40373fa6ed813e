"""The provinces of a package's work locations on the package itself (`provinces`,
sorted keys), filled from the locations here and kept by
`services.packages.package_locations_set` from now on: the national search filters a
province on the package's row (docs/national-search.md)."""

from django.db import migrations, models

FILL_POSTGRESQL = """
UPDATE "tenders_package" p SET "provinces" = l."provinces"
FROM (
    SELECT "package_id", jsonb_agg(DISTINCT "province" ORDER BY "province") AS "provinces"
    FROM "tenders_packagelocation" GROUP BY "package_id"
) l
WHERE l."package_id" = p."id"
"""


def provinces_fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_POSTGRESQL)
        return
    Package = apps.get_model("tenders", "Package")
    PackageLocation = apps.get_model("tenders", "PackageLocation")
    provinces: dict[int, set[str]] = {}
    for package_id, province in PackageLocation.objects.values_list("package_id", "province"):
        provinces.setdefault(package_id, set()).add(province)
    for package_id, names in provinces.items():
        Package.objects.filter(pk=package_id).update(provinces=sorted(names))


class Migration(migrations.Migration):

    dependencies = [
        ('tenders', '0005_non_tender_invitations'),
    ]

    operations = [
        migrations.AddField(
            model_name='package',
            name='provinces',
            field=models.JSONField(db_default=[], default=list, editable=False, verbose_name='provinces of the work locations'),
        ),
        migrations.RunPython(provinces_fill, migrations.RunPython.noop, elidable=True),
    ]

"""A database made before KBLI and held uploads left the vendors app (the schema of the
`main` branch at that time: vendors 0003, no reference or files app) keeps its data
when migrated forward: the tables stay, only Django's state and content types move."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("vendors", "0003_company_staff_changes_expiry"),
    ("helpdesk", "0001_tickets"),
    ("reference", None),
    ("files", None),
]


def migrate(targets):
    """Migrate the test database to `targets`; the apps (historical models) there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def latest_targets():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def old_schema(transactional_db):
    yield migrate(BEFORE)
    migrate(latest_targets())


def _old_data(apps) -> dict:
    Portal = apps.get_model("portals", "Portal")
    Kbli = apps.get_model("vendors", "Kbli")
    Company = apps.get_model("vendors", "Company")
    HeldUpload = apps.get_model("vendors", "HeldUpload")
    ContentType = apps.get_model("contenttypes", "ContentType")
    portal = Portal.objects.create(slug="lama", name="LPSE Lama", institution="Instansi Lama")
    kategori = Kbli.objects.create(code="F", level="kategori", title="Konstruksi")
    kelompok = Kbli.objects.create(
        code="41011", level="kelompok", title="Konstruksi Gedung Hunian", parent=kategori
    )
    company = Company.objects.create(
        portal=portal,
        name="PT Lama Jaya",
        legal_form="pt",
        npwp="0012345674101000",
        nib="1234567890123",
        province="31",
        city="Jakarta Pusat",
        street="Jl. Lama 1",
        postal_code="10110",
        phone="+62215551234",
        email="lama@example.id",
        representative_name="Budi",
        representative_nik="3171011708450001",
        representative_position="Direktur",
    )
    company.sectors.add(kelompok)
    HeldUpload.objects.create(
        portal=portal,
        key_hash="a" * 64,
        kind="nib",
        stored_name="1/2026/12/" + "b" * 32 + ".pdf",
        original_name="nib.pdf",
        content_type="application/pdf",
        size=123,
        sha256="c" * 64,
    )
    ContentType.objects.get_or_create(app_label="vendors", model="kbli")
    ContentType.objects.get_or_create(app_label="vendors", model="heldupload")
    return {"portal": portal.pk, "company": company.pk}


def test_data_made_before_the_move_is_there_after_migrating(old_schema):
    ids = _old_data(old_schema)

    migrate(latest_targets())

    from django.contrib.contenttypes.models import ContentType

    from inaproc.files.models import HeldUpload
    from inaproc.reference.models import Kbli
    from inaproc.vendors.models import Company

    company = Company.objects.get(pk=ids["company"])
    assert [k.code for k in company.sectors.all()] == ["41011"]
    assert Kbli.objects.get(code="41011").parent_id == "F"
    held = HeldUpload.objects.get()
    assert (held.portal_id, held.original_name, held.size) == (ids["portal"], "nib.pdf", 123)
    labels = set(
        ContentType.objects.filter(model__in=["kbli", "heldupload"]).values_list(
            "app_label", "model"
        )
    )
    assert labels == {("reference", "kbli"), ("files", "heldupload")}


def test_the_move_can_be_migrated_back(old_schema):
    ids = _old_data(old_schema)
    migrate(latest_targets())

    apps = migrate(BEFORE)

    Company = apps.get_model("vendors", "Company")
    assert list(Company.objects.get(pk=ids["company"]).sectors.values_list("code", flat=True)) == [
        "41011"
    ]
    assert apps.get_model("vendors", "HeldUpload").objects.count() == 1

"""Recovery drill: back up, then restore into a fresh database and a fresh document
root, with the commands of docs/operations.md section 11, and run the application on
the copy. The deployment holds a portal, an approved vendor with its registration
documents, and a tender (with its Dokumen Pemilihan) to which the vendor has submitted a
sealed bid. The backup: `pg_dump --format=custom` (mode 0600) and restic of the
documents, the media and the configuration. The restore: restic into a new root,
`createdb --owner` the application's role, `pg_restore --no-owner --role=…`,
`migrate --check` and `verify_documents` as the application's role, the secrets taken
from the restored configuration; then gunicorn on the copy: a vendor signs in with its
password, downloads a document with the same bytes, and the transparency log is signed
on with the restored key.

The commands are the documented ones, adapted only in names: folders under the test's
temporary folder instead of /backup, /srv/inaproc and /etc/inaproc, PG* variables
instead of `runuser -u postgres`, the test database instead of `inaproc`, a role of the
test's instead of `inaproc`.

PostgreSQL only (pg_dump and pg_restore); it needs restic, which CI installs (.ci/run):
with CI=true a missing restic fails the test instead of skipping it."""

import hashlib
import os
import re
import secrets
import shutil
import stat
import subprocess
from datetime import timedelta

import psycopg
import pytest
import requests
from django.db import connection
from django.utils import timezone

from inaproc.bids.models import SealedFile
from inaproc.bids.services.bids import bid_submit
from inaproc.files.relocation import documents_verify
from inaproc.tenders.models import Participation, TenderDocument
from inaproc.vendors.models import Document
from tests.bids.factories import fill_draft
from tests.factories import DEFAULT_PASSWORD, make_portal
from tests.ops.servers import (
    manage_in_one_process,
    production_environment,
    start_gunicorn,
    stop,
    wait_until_up,
)
from tests.s3server import free_port
from tests.tenders.participation_factories import published_tender
from tests.vendors.builders import register_approved

pytestmark = pytest.mark.django_db(transaction=True)


def run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """A shell script, as root runs the documented commands; fails the test on an error."""
    done = subprocess.run(  # noqa: S603 - our own script
        ["/bin/sh", "-c", "set -eu\n" + script],  # noqa: S607
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture
def postgres():
    """The PostgreSQL server of the test database, as the PG* variables of its tools; a
    fresh database name and role for the restored copy (dropped at the end)."""
    db = connection.settings_dict
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("a PostgreSQL drill (pg_dump and pg_restore; SQLite is copied as a file)")
    if shutil.which("restic") is None:
        if os.environ.get("CI"):
            pytest.fail("restic is missing: .ci/run installs it (apt-get install restic)")
        pytest.skip("restic is not installed (apt-get install restic)")
    pg = {
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"],
    }
    # h_dr_test (test_h_dr_test under pytest-django) -> h_dr_test_restored
    restored = db["NAME"].removeprefix("test_") + "_restored"
    env = {**os.environ, **pg}
    # Left over by an interrupted run, or made by this one.
    leftovers = (
        f"dropdb --if-exists --force {restored}; psql -d postgres -c 'DROP ROLE \"{restored}\"'"
    )
    clean = ["/bin/sh", "-c", leftovers]
    subprocess.run(clean, env=env, check=False, capture_output=True)  # noqa: S603
    yield {"env": env, "database": db["NAME"], "restored": restored, "role": restored}
    subprocess.run(clean, env=env, check=False, capture_output=True)  # noqa: S603


@pytest.fixture
def deployment(settings, tmp_path):
    """The deployment to back up: its folders (/srv/inaproc, /etc/inaproc of the docs)
    and data made through the services: a vendor with documents, a tender with a bid."""
    srv, etc = tmp_path / "srv" / "inaproc", tmp_path / "etc" / "inaproc"
    for folder in (srv / "documents", srv / "media", etc):
        folder.mkdir(parents=True)
    settings.DOCUMENT_ROOT = str(srv / "documents")
    settings.MEDIA_ROOT = str(srv / "media")
    settings.LOG_KEY_ENCRYPTION_KEY = secrets.token_urlsafe(32)
    (etc / "inaproc.env").write_text(
        f"SECRET_KEY={settings.SECRET_KEY}\n"
        f"LOG_KEY_ENCRYPTION_KEY={settings.LOG_KEY_ENCRYPTION_KEY}\n"
    )

    portal = make_portal("lpse-drill")
    registration = register_approved(portal)
    now = timezone.now()
    tender = published_tender(
        portal, clarification=(now - timedelta(hours=1), now - timedelta(minutes=30))
    )
    participation = Participation.objects.create(
        package=tender,
        company=registration.company,
        joined_by=registration.applicant,
        integrity_pact_agreed_at=tender.published_at,
    )
    fill_draft(participation, registration.applicant)
    bid_submit(participation=participation, user=registration.applicant)
    return {"srv": srv, "etc": etc, "portal": portal, "vendor": registration.applicant}


def test_a_backup_restored_as_documented_serves_the_same_documents_and_accounts(
    postgres, deployment, tmp_path
):
    """Backup and restore with the commands of section 11 into a new database and
    document root: pg_restore and `migrate --check` succeed as the application's role,
    `verify_documents` matches every file's SHA-256, and gunicorn on the copy (secrets
    from the restored configuration) signs the vendor in, serves a document with its
    exact bytes and signs a new tree head of the transparency log."""
    backup, etc_backup = tmp_path / "backup", tmp_path / "etc" / "inaproc-backup"
    srv, etc = deployment["srv"], deployment["etc"]
    documents = (
        Document.objects.count(),
        TenderDocument.objects.count(),
        SealedFile.objects.filter(versions__isnull=False).count(),
    )
    assert all(documents), documents  # each kind of stored file is in the backup
    checked = documents_verify()
    assert checked.ok and sum(checked.counts.values()) >= sum(documents)
    env = postgres["env"]
    restic = (
        f"export RESTIC_REPOSITORY={backup}/restic "
        f"RESTIC_PASSWORD_FILE={etc_backup}/restic-password\n"
    )

    # Once: the backup folder, restic's repository and password.
    run(
        f"install -d -m 0700 {backup}\n"
        f"install -d -m 0700 {backup}/restic {etc_backup}\n"
        f"( umask 077; openssl rand -base64 32 > {etc_backup}/restic-password )\n"
        f"restic --repo {backup}/restic --password-file {etc_backup}/restic-password init\n",
        env,
    )
    # inaproc-backup: the dump first, then the files.
    run(
        restic + f"dump={backup}/inaproc-$(date +%F).dump\n"
        f'sh -c "umask 077 && pg_dump --format=custom --file=$dump {postgres["database"]}"\n'
        f'restic backup {srv}/documents {srv}/media {etc} "$dump"\n',
        env,
    )
    (dump,) = backup.glob("inaproc-*.dump")
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600, "the dump is readable by its owner only"

    # The restore, on "another machine": a new root for the files, a new database owned
    # by the application's role (sections 1-3 made it; here a role of the test's).
    fresh = tmp_path / "restored"
    role, restored = postgres["role"], postgres["restored"]
    run(f"psql -d postgres -c 'CREATE ROLE \"{role}\" LOGIN'", env)
    pg_restore = run(
        restic + f"restic restore latest --target {fresh} --include {srv}/documents "
        f"--include {srv}/media --include {backup} --include {etc}\n"
        f"dropdb --if-exists {restored}\n"
        f"createdb --owner {role} {restored}\n"
        f"pg_restore --no-owner --role={role} --dbname={restored} {fresh}{dump}; "
        'echo "pg_restore: exit $?"\n',
        env,
    )
    assert "pg_restore: exit 0" in pg_restore.stdout, pg_restore.stderr
    restored_documents = fresh / srv.relative_to("/") / "documents"
    assert restored_documents.is_dir()
    restored_secrets = dict(
        line.split("=", 1)
        for line in (fresh / etc.relative_to("/") / "inaproc.env").read_text().splitlines()
    )
    app = production_environment(
        tmp_path,
        DATABASE_URL=f"postgres://{role}@{env['PGHOST']}:{env['PGPORT']}/{restored}",
        DOCUMENT_ROOT=str(restored_documents),
        MEDIA_ROOT=str(fresh / srv.relative_to("/") / "media"),
        SECRET_KEY=restored_secrets["SECRET_KEY"],
        LOG_KEY_ENCRYPTION_KEY=restored_secrets["LOG_KEY_ENCRYPTION_KEY"],
    )
    # gunicorn starts on the copy while the commands check it.
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(port, app, log, workers=1)
    try:
        commands = manage_in_one_process(
            app, ["migrate", "--check"], ["verify_documents"], ["sign_tree_heads"]
        )
        assert commands.returncode == 0, commands.stdout + commands.stderr
        matching = f"{sum(checked.counts.values())} file(s) match their SHA-256."
        assert matching in commands.stdout
        # The transparency log goes on under the restored key: a new head is signed.
        assert f"{deployment['portal'].slug}: " in commands.stdout.split("sign_tree_heads")[1]
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, server, log)
        slug, vendor = deployment["portal"].slug, deployment["vendor"]
        browser = requests.Session()
        login = f"{base}/{slug}/masuk/"
        page = browser.get(login, timeout=30)
        fields = dict(
            re.findall(r'name="(csrfmiddlewaretoken|captcha_0)" value="([^"]+)"', page.text)
        )
        with psycopg.connect(app["DATABASE_URL"]) as copy:
            (answer,) = copy.execute(
                "SELECT response FROM captcha_captchastore WHERE hashkey = %s",
                (fields["captcha_0"],),
            ).fetchone()
        signed = browser.post(
            login,
            data={
                **fields,
                "captcha_1": answer,
                "username": vendor.username,
                "password": DEFAULT_PASSWORD,
            },
            allow_redirects=False,
            timeout=30,
        )
        assert signed.status_code == 302, signed.text[-2000:]
        document = Document.objects.filter(company__members__user=vendor).first()
        download = browser.get(f"{base}/{slug}/dokumen/{document.public_id}/", timeout=30)
        assert download.status_code == 200
        assert hashlib.sha256(download.content).hexdigest() == document.sha256
    finally:
        stop(server)

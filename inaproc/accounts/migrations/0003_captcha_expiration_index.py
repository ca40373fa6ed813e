"""An index on django-simple-captcha's `expiration`: the library deletes expired
challenges on every CAPTCHA check with `WHERE expiration <= now`, which without it scans
the whole table (one row is added per login page view)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_login_attempts_locks_sessions_codes"),
        ("captcha", "0002_alter_captchastore_id"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS captcha_store_expiration_idx "
            "ON captcha_captchastore (expiration)",
            reverse_sql="DROP INDEX IF EXISTS captcha_store_expiration_idx",
        ),
    ]

"""The end of a package's last stage on the package's row (`schedule_ends_at`, the
latest `ends_at` of its schedule stages, NULL without stages), kept by triggers on the
stages: whether a tender is finished is then a condition on its own row, not a lookup in
its ten or so stages per row (the stage filters "not finished" and "finished" of the
national search and the portal lists: docs/performance.md, "National search").
PostgreSQL only; elsewhere the filters look at the stages as before.

Like the search document (search/0004), the column is unknown to the `Package` model:
only the triggers write it, so no save of a package loaded before a schedule change can
write an old value back. Statement triggers with transition tables: one update of the
changed stages' packages per statement (a copy of thousands of stages in one INSERT
updates each of their packages once). The column is filled here from the stages.
"""

import importlib

from django.db import migrations

public_indexes = importlib.import_module("inaproc.tenders.migrations.0002_public_indexes")

FORWARD = """
ALTER TABLE "tenders_package" ADD COLUMN "schedule_ends_at" timestamptz;
UPDATE "tenders_package" p SET "schedule_ends_at" = s."ends_at"
FROM (
    SELECT "package_id", max("ends_at") AS "ends_at"
    FROM "tenders_schedulestage" GROUP BY "package_id"
) s
WHERE s."package_id" = p."id";
CREATE FUNCTION tenders_package_schedule_ends() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE "tenders_package" SET "schedule_ends_at" = NULL
        WHERE "schedule_ends_at" IS NOT NULL;
    ELSIF TG_OP = 'INSERT' THEN
        UPDATE "tenders_package" p SET "schedule_ends_at" = (
            SELECT max(s."ends_at") FROM "tenders_schedulestage" s WHERE s."package_id" = p."id"
        ) WHERE p."id" IN (SELECT "package_id" FROM new_stages);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE "tenders_package" p SET "schedule_ends_at" = (
            SELECT max(s."ends_at") FROM "tenders_schedulestage" s WHERE s."package_id" = p."id"
        ) WHERE p."id" IN (
            SELECT "package_id" FROM new_stages UNION SELECT "package_id" FROM old_stages
        );
    ELSE
        UPDATE "tenders_package" p SET "schedule_ends_at" = (
            SELECT max(s."ends_at") FROM "tenders_schedulestage" s WHERE s."package_id" = p."id"
        ) WHERE p."id" IN (SELECT "package_id" FROM old_stages);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tenders_stage_inserted AFTER INSERT ON "tenders_schedulestage"
    REFERENCING NEW TABLE AS new_stages
    FOR EACH STATEMENT EXECUTE FUNCTION tenders_package_schedule_ends();
CREATE TRIGGER tenders_stage_updated AFTER UPDATE ON "tenders_schedulestage"
    REFERENCING OLD TABLE AS old_stages NEW TABLE AS new_stages
    FOR EACH STATEMENT EXECUTE FUNCTION tenders_package_schedule_ends();
CREATE TRIGGER tenders_stage_deleted AFTER DELETE ON "tenders_schedulestage"
    REFERENCING OLD TABLE AS old_stages
    FOR EACH STATEMENT EXECUTE FUNCTION tenders_package_schedule_ends();
CREATE TRIGGER tenders_stage_truncated AFTER TRUNCATE ON "tenders_schedulestage"
    FOR EACH STATEMENT EXECUTE FUNCTION tenders_package_schedule_ends();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS tenders_stage_inserted ON "tenders_schedulestage";
DROP TRIGGER IF EXISTS tenders_stage_updated ON "tenders_schedulestage";
DROP TRIGGER IF EXISTS tenders_stage_deleted ON "tenders_schedulestage";
DROP TRIGGER IF EXISTS tenders_stage_truncated ON "tenders_schedulestage";
DROP FUNCTION IF EXISTS tenders_package_schedule_ends();
ALTER TABLE "tenders_package" DROP COLUMN IF EXISTS "schedule_ends_at";
"""


class Migration(migrations.Migration):
    dependencies = [("tenders", "0006_package_provinces")]

    operations = [public_indexes.PostgresOnlySQL(sql=FORWARD, reverse_sql=BACKWARD)]

-- A group alert of a group deleted before this foreign key existed keeps its row, not the dangling id.
UPDATE "alerts" SET "group_id" = NULL
 WHERE "group_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "device_groups" g WHERE g."id" = "alerts"."group_id");

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "device_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- At most one open (active or acknowledged) alert per device and type, and per group and type:
-- the health sweep raises with INSERT … ON CONFLICT on these, so two sweeps (or a sweep and a
-- retry) can never open the same alert twice. Partial indexes cannot be declared in the Prisma 6
-- schema (see the note on model Alert), and migrate dev leaves them alone (checked: already in sync).
--
-- Duplicates an earlier release may have left open are merged first: the newest stays open.
UPDATE "alerts" AS a
   SET "state" = 'resolved', "resolved_at" = now(), "resolution_notes" = 'Merged into a newer open alert of the same type'
 WHERE a."state" <> 'resolved'
   AND EXISTS (SELECT 1 FROM "alerts" b
                WHERE b."state" <> 'resolved' AND b."alert_type" = a."alert_type" AND b."id" > a."id"
                  AND (b."device_id" = a."device_id" OR (a."device_id" IS NULL AND b."device_id" IS NULL AND b."group_id" = a."group_id")));

CREATE UNIQUE INDEX "alerts_device_open_key" ON "alerts"("device_id", "alert_type") WHERE "state" <> 'resolved';

CREATE UNIQUE INDEX "alerts_group_open_key" ON "alerts"("group_id", "alert_type") WHERE "state" <> 'resolved' AND "group_id" IS NOT NULL;

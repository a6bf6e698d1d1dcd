-- The farm of the farm-bound person who created a tag: while no device carries the tag, that
-- farm's people may still rename or delete it (lib/tags/tags.ts). Not a scope: every farm sees
-- and uses every tag. Tags made before this, or by someone of every farm, have none.
ALTER TABLE "device_tags" ADD COLUMN "farm_id" INTEGER;

ALTER TABLE "device_tags" ADD CONSTRAINT "device_tags_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE SET NULL ON UPDATE CASCADE;

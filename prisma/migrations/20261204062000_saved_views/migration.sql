-- Per-person list preferences (density, columns, pinned views) and saved list views (issue 21).
ALTER TABLE "users" ADD COLUMN "ui_preferences" JSONB NOT NULL DEFAULT '{}';

CREATE TABLE "saved_views" (
    "id" SERIAL NOT NULL,
    "owner_id" INTEGER NOT NULL,
    "list" VARCHAR(30) NOT NULL,
    "name" VARCHAR(60) NOT NULL,
    "query" VARCHAR(2000) NOT NULL,
    "shared" BOOLEAN NOT NULL DEFAULT false,
    "farm_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "saved_views_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "saved_views_owner_id_list_name_key" ON "saved_views"("owner_id", "list", "name");
CREATE INDEX "saved_views_list_shared_farm_id_idx" ON "saved_views"("list", "shared", "farm_id");

ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The audit log screen (issue 18 item 6): indexes for its filters at millions of rows, and the
-- trigger that files every event under the farm of the record it is about.

-- Newest first with a tie-breaker: the keyset pages on (created_at, id) so that events written in
-- the same millisecond (a bulk command, an import) are neither skipped nor repeated.
DROP INDEX IF EXISTS "audit_events_created_at_idx";
CREATE INDEX "audit_events_created_at_id_idx" ON "audit_events"("created_at" DESC, "id" DESC);

-- One record's history (the device page's chatter and the screen's entity filter).
DROP INDEX IF EXISTS "audit_events_entity_type_entity_id_created_at_idx";
CREATE INDEX "audit_events_entity_type_entity_id_created_at_id_idx" ON "audit_events"("entity_type", "entity_id", "created_at" DESC, "id" DESC);

-- The screen's filters: a farm (every manager's view), a person, an action, a kind of record.
CREATE INDEX "audit_events_farm_id_created_at_id_idx" ON "audit_events"("farm_id", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_actor_id_created_at_id_idx" ON "audit_events"("actor_id", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_action_created_at_id_idx" ON "audit_events"("action", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_entity_type_created_at_id_idx" ON "audit_events"("entity_type", "created_at" DESC, "id" DESC);
-- A manager's view is always one farm: their action and record-kind filters within it.
CREATE INDEX "audit_events_farm_id_action_created_at_id_idx" ON "audit_events"("farm_id", "action", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_farm_id_entity_type_created_at_id_idx" ON "audit_events"("farm_id", "entity_type", "created_at" DESC, "id" DESC);

-- The set-based writers (an import, a tag change, a bulk command) insert rows directly with only
-- the actor's id and label: the trigger completes how they came in (worker, system, api_key with
-- the key's prefix, else a person's session) and the person's role, so every event says who and how.
-- The farm of an event, when its writer did not say: looked up from the record it is about, by
-- primary or unique key (one index probe per row). Records that belong to no farm (firmware,
-- update jobs, tags of every farm) stay NULL: only admins see those. A record already deleted
-- falls back to a farmId in the before/after snapshot. An id that is not a number never reaches a
-- numeric lookup, so an odd writer cannot make its own insert fail.
-- The migration runner splits its script on every semicolon, so the function's body is one escape
-- string literal with each semicolon written as the octal escape \073.
CREATE OR REPLACE FUNCTION audit_events_fill_farm() RETURNS trigger
LANGUAGE plpgsql AS E'
DECLARE
  numeric_id integer\073
BEGIN
  IF NEW.via IS NULL THEN
    IF NEW.actor_label IN (''worker'', ''system'') AND NEW.actor_id IS NULL THEN
      NEW.via := NEW.actor_label\073
    ELSIF NEW.actor_label LIKE ''api-key:%'' THEN
      NEW.via := ''api_key''\073
      NEW.credential := coalesce(NEW.credential, left(substr(NEW.actor_label, 9), 40))\073
    ELSIF NEW.actor_id IS NOT NULL THEN
      NEW.via := ''session''\073
    END IF\073
  END IF\073
  IF NEW.actor_role IS NULL AND NEW.actor_id IS NOT NULL THEN
    SELECT u.role::text INTO NEW.actor_role FROM users u WHERE u.id = NEW.actor_id\073
  END IF\073
  IF NEW.farm_id IS NOT NULL THEN
    RETURN NEW\073
  END IF\073
  IF NEW.entity_type = ''device'' THEN
    SELECT d.farm_id INTO NEW.farm_id FROM devices d WHERE d.device_id = NEW.entity_id\073
  ELSIF NEW.entity_id ~ ''^[0-9]{1,9}$'' THEN
    numeric_id := NEW.entity_id::integer\073
    CASE NEW.entity_type
      WHEN ''farm'' THEN SELECT f.id INTO NEW.farm_id FROM farms f WHERE f.id = numeric_id\073
      WHEN ''group'' THEN SELECT g.farm_id INTO NEW.farm_id FROM device_groups g WHERE g.id = numeric_id\073
      WHEN ''alert'' THEN
        SELECT coalesce(d.farm_id, g.farm_id) INTO NEW.farm_id
          FROM alerts a LEFT JOIN devices d ON d.id = a.device_id LEFT JOIN device_groups g ON g.id = a.group_id
         WHERE a.id = numeric_id\073
      WHEN ''maintenance'' THEN SELECT m.farm_id INTO NEW.farm_id FROM maintenances m WHERE m.id = numeric_id\073
      WHEN ''maintenance_plan'' THEN SELECT p.farm_id INTO NEW.farm_id FROM maintenance_plans p WHERE p.id = numeric_id\073
      WHEN ''warranty_claim'' THEN SELECT w.farm_id INTO NEW.farm_id FROM warranty_claims w WHERE w.id = numeric_id\073
      WHEN ''user'' THEN SELECT u.farm_id INTO NEW.farm_id FROM users u WHERE u.id = numeric_id\073
      WHEN ''api_key'' THEN SELECT k.farm_id INTO NEW.farm_id FROM api_keys k WHERE k.id = numeric_id\073
      WHEN ''command'' THEN SELECT c.farm_id INTO NEW.farm_id FROM commands c WHERE c.id = numeric_id\073
      WHEN ''command_batch'' THEN SELECT b.farm_id INTO NEW.farm_id FROM command_batches b WHERE b.id = numeric_id\073
      WHEN ''import_batch'' THEN SELECT i.default_farm_id INTO NEW.farm_id FROM import_batches i WHERE i.id = numeric_id\073
      WHEN ''tag'' THEN SELECT t.farm_id INTO NEW.farm_id FROM device_tags t WHERE t.id = numeric_id\073
      ELSE NULL\073
    END CASE\073
  END IF\073
  IF NEW.farm_id IS NULL THEN
    IF (NEW.before ->> ''farmId'') ~ ''^[0-9]{1,9}$'' THEN
      NEW.farm_id := (NEW.before ->> ''farmId'')::integer\073
    ELSIF (NEW.after ->> ''farmId'') ~ ''^[0-9]{1,9}$'' THEN
      NEW.farm_id := (NEW.after ->> ''farmId'')::integer\073
    END IF\073
  END IF\073
  RETURN NEW\073
END
';

CREATE TRIGGER "audit_events_fill_farm" BEFORE INSERT ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION audit_events_fill_farm();

-- CreateEnum
CREATE TYPE "UserTokenPurpose" AS ENUM ('invitation', 'password_reset');

-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('email', 'webhook', 'in_app');

-- CreateEnum
CREATE TYPE "NotificationChannelKind" AS ENUM ('email', 'webhook');

-- CreateEnum
CREATE TYPE "WebhookFormat" AS ENUM ('json', 'slack', 'teams');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('queued', 'held', 'digest', 'sent', 'failed', 'cancelled');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ImportBatchState" ADD VALUE 'refused';
ALTER TYPE "ImportBatchState" ADD VALUE 'dry_run';

-- AlterTable
ALTER TABLE "farms" ADD COLUMN     "address" VARCHAR(300),
ADD COLUMN     "debounce_minutes" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "digest_hour" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN     "escalation_interval_minutes" INTEGER NOT NULL DEFAULT 15;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "deactivated_at" TIMESTAMPTZ(3),
ADD COLUMN     "invited_at" TIMESTAMPTZ(3),
ADD COLUMN     "invited_by_id" INTEGER,
ADD COLUMN     "joined_at" TIMESTAMPTZ(3),
ADD COLUMN     "locale" VARCHAR(10) NOT NULL DEFAULT 'en',
ADD COLUMN     "notify_by_email" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "notify_digest" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "notify_in_app" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "notify_min_severity" "AlertSeverity" NOT NULL DEFAULT 'warning',
ADD COLUMN     "oidc_subject" VARCHAR(300),
ADD COLUMN     "timezone" VARCHAR(64),
ADD COLUMN     "totp_enabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "totp_secret" TEXT;

-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "escalated_at" TIMESTAMPTZ(3),
ADD COLUMN     "escalation_level" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "notified_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "actor_role" VARCHAR(20),
ADD COLUMN     "credential" VARCHAR(40),
ADD COLUMN     "farm_id" INTEGER,
ADD COLUMN     "ip" VARCHAR(64),
ADD COLUMN     "via" VARCHAR(20);

-- AlterTable
ALTER TABLE "import_batches" ADD COLUMN     "failure_reason" TEXT,
ADD COLUMN     "read_options" JSONB,
ADD COLUMN     "warning_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "warning_report" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "user_tokens" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "purpose" "UserTokenPurpose" NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "totp_recovery_codes" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "code_hash" VARCHAR(64) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "totp_recovery_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_channels" (
    "id" SERIAL NOT NULL,
    "farm_id" INTEGER,
    "name" VARCHAR(120) NOT NULL,
    "kind" "NotificationChannelKind" NOT NULL,
    "address" VARCHAR(254),
    "url_encrypted" TEXT,
    "url_host" VARCHAR(255),
    "format" "WebhookFormat" NOT NULL DEFAULT 'json',
    "secret_encrypted" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_rules" (
    "id" SERIAL NOT NULL,
    "farm_id" INTEGER NOT NULL,
    "group_id" INTEGER,
    "name" VARCHAR(120) NOT NULL,
    "alert_types" "AlertType"[],
    "min_severity" "AlertSeverity" NOT NULL DEFAULT 'warning',
    "user_ids" INTEGER[],
    "channel_ids" INTEGER[],
    "quiet_start" INTEGER,
    "quiet_end" INTEGER,
    "digest" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "on_call_entries" (
    "id" SERIAL NOT NULL,
    "farm_id" INTEGER NOT NULL,
    "level" INTEGER NOT NULL,
    "user_id" INTEGER,
    "channel_id" INTEGER,

    CONSTRAINT "on_call_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" BIGSERIAL NOT NULL,
    "dedupe_key" VARCHAR(200) NOT NULL,
    "alert_id" INTEGER,
    "farm_id" INTEGER,
    "rule_id" INTEGER,
    "level" INTEGER NOT NULL DEFAULT 0,
    "kind" "NotificationKind" NOT NULL,
    "user_id" INTEGER,
    "channel_id" INTEGER,
    "subject" VARCHAR(300) NOT NULL,
    "body" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "status" "NotificationStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "notification_id" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "response_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "caught_mails" (
    "id" SERIAL NOT NULL,
    "message_id" VARCHAR(300),
    "from_addr" VARCHAR(300) NOT NULL,
    "to_addrs" TEXT[],
    "subject" VARCHAR(500) NOT NULL,
    "text" TEXT,
    "html" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "caught_mails_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_mappings" (
    "id" SERIAL NOT NULL,
    "header_signature" VARCHAR(64) NOT NULL,
    "headers" JSONB NOT NULL,
    "mapping" JSONB NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "updated_by_id" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "import_mappings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "user_tokens_token_hash_key" ON "user_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "user_tokens_user_id_purpose_idx" ON "user_tokens"("user_id", "purpose");

-- CreateIndex
CREATE INDEX "totp_recovery_codes_user_id_idx" ON "totp_recovery_codes"("user_id");

-- CreateIndex
CREATE INDEX "notification_rules_farm_id_idx" ON "notification_rules"("farm_id");

-- CreateIndex
CREATE INDEX "on_call_entries_farm_id_level_idx" ON "on_call_entries"("farm_id", "level");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_dedupe_key_key" ON "notifications"("dedupe_key");

-- CreateIndex
CREATE INDEX "notifications_status_next_attempt_at_idx" ON "notifications"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "notifications_user_id_kind_created_at_idx" ON "notifications"("user_id", "kind", "created_at" DESC);

-- CreateIndex
CREATE INDEX "notifications_alert_id_idx" ON "notifications"("alert_id");

-- CreateIndex
CREATE INDEX "notification_deliveries_notification_id_idx" ON "notification_deliveries"("notification_id");

-- CreateIndex
CREATE INDEX "caught_mails_received_at_idx" ON "caught_mails"("received_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "import_mappings_header_signature_key" ON "import_mappings"("header_signature");

-- CreateIndex
CREATE UNIQUE INDEX "users_oidc_subject_key" ON "users"("oidc_subject");

-- AddForeignKey
ALTER TABLE "user_tokens" ADD CONSTRAINT "user_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "totp_recovery_codes" ADD CONSTRAINT "totp_recovery_codes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_channels" ADD CONSTRAINT "notification_channels_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "on_call_entries" ADD CONSTRAINT "on_call_entries_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "on_call_entries" ADD CONSTRAINT "on_call_entries_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "on_call_entries" ADD CONSTRAINT "on_call_entries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "notification_rules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Alerts raised before notifications existed are not news: only alerts from now on fan out.
UPDATE "alerts" SET "notified_at" = COALESCE("created_at", now()) WHERE "notified_at" IS NULL;

-- The fan-out reads the alerts it has not handled yet, a handful among millions.
CREATE INDEX "alerts_to_notify_idx" ON "alerts" ("id") WHERE "notified_at" IS NULL;

-- Escalation looks at open critical alerts only.
CREATE INDEX "alerts_escalation_idx" ON "alerts" ("created_at") WHERE "state" = 'active' AND "severity" = 'critical';

-- The worker's delivery queue: due notifications only.
CREATE INDEX "notifications_due_idx" ON "notifications" ("next_attempt_at") WHERE "status" IN ('queued', 'held');

-- The bell: a person's unread in-app notifications.
CREATE INDEX "notifications_unread_idx" ON "notifications" ("user_id") WHERE "kind" = 'in_app' AND "read_at" IS NULL;

-- A level holds a person or a channel, never neither.
ALTER TABLE "on_call_entries" ADD CONSTRAINT "on_call_entries_target_check" CHECK (("user_id" IS NULL) <> ("channel_id" IS NULL));
ALTER TABLE "on_call_entries" ADD CONSTRAINT "on_call_entries_level_check" CHECK ("level" BETWEEN 1 AND 10);
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_quiet_check" CHECK (("quiet_start" IS NULL) = ("quiet_end" IS NULL) AND COALESCE("quiet_start", 0) BETWEEN 0 AND 1439 AND COALESCE("quiet_end", 0) BETWEEN 0 AND 1439);
ALTER TABLE "farms" ADD CONSTRAINT "farms_notify_minutes_check" CHECK ("escalation_interval_minutes" BETWEEN 1 AND 1440 AND "debounce_minutes" BETWEEN 0 AND 1440 AND "digest_hour" BETWEEN 0 AND 23);

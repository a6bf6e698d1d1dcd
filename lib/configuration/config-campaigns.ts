/**
 * Configuration campaigns (I-013 §5.3): one change of settings rolled out to many devices of one
 * type on the firmware rollout engine (update jobs of kind `configuration`). Each device gets a new
 * version of its own configuration (its overrides with the change merged in), in phases, with the
 * engine's thresholds and automatic rollback to each device's previous version.
 */
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";

export type ConfigCampaignCreated = {
  jobId: number;
  deviceCount: number;
  phases: { position: number; deviceCount: number }[];
  /** Devices of the selection left out, and why (retired, another type, in another running campaign). */
  skipped: { deviceId: string; reason: string }[];
};

/**
 * Creates a campaign from `raw` (parsed with configCampaignSchema): roles config.manage and
 * ota.schedule, the actor's farm only. Throws InvalidError (400, field paths), ForbiddenError,
 * NotFoundError.
 */
export async function createConfigCampaign(db: Db, actor: Actor, raw: unknown, now = new Date()): Promise<ConfigCampaignCreated> {
  void db;
  void actor;
  void raw;
  void now;
  throw new Error("Configuration campaigns: not yet");
}

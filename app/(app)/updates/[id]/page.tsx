import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { toJson } from "@/components/ota/job-json";
import { UpdateJobView } from "@/components/ota/update-job-view";
import { can, type Actor } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { isExpectedError } from "@/lib/errors";
import { JOB_ACTION_PERMISSION, JOB_ACTIONS } from "@/lib/ota/job-actions";
import { getUpdateJob, listUpdateJobLogs } from "@/lib/ota/update-job-views";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Update job ${(await params).id}` };
}

/** Another farm's job and a malformed id are both simply "not found". */
async function load(raw: string, actor: Actor) {
  const id = Number(raw);
  if (!/^\d{1,9}$/.test(raw) || id < 1) notFound();
  const db = getDb();
  try {
    const [job, logs] = await Promise.all([getUpdateJob(db, actor, id), listUpdateJobLogs(db, actor, id, { limit: 50 })]);
    return { job, logs };
  } catch (error) {
    if (isExpectedError(error) && error.status === 404) notFound();
    throw error;
  }
}

export default async function UpdateJobPage({ params }: Props) {
  const actor = await requirePageActor("ota.read");
  const { job, logs } = await load((await params).id, actor);
  const permitted = JOB_ACTIONS.filter((action) => can(actor.role, JOB_ACTION_PERMISSION[action]));
  return <UpdateJobView initialJob={toJson(job)} initialLogs={toJson(logs)} permitted={permitted} />;
}

/**
 * POST /api/v1/ota/campaigns and its M92 twin POST /api/v1/iot/firmware/update: one handler. The
 * body goes to scheduleUpdate, which validates it once; 201 with the job and where to read it.
 * (Kept apart from update-job-requests.ts, which the OpenAPI document imports without the web stack.)
 */
import { NextResponse } from "next/server";
import { z } from "zod";
import { readJson } from "../api/with-api";
import type { Actor } from "../auth/permissions";
import { getDb } from "../db";
import { scheduleUpdate } from "./schedule-update";

export async function scheduleUpdateFromRequest({ request, actor }: { request: Request; actor: Actor }) {
  const job = await scheduleUpdate(getDb(), actor, await readJson(request, z.unknown()));
  return NextResponse.json(job, { status: 201, headers: { Location: `/api/v1/ota/campaigns/${job.jobId}` } });
}

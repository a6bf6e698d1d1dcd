import { NextResponse } from "next/server";
import { getDb } from "@/lib/db";
import { emqxAuthorizationRequestSchema } from "@/lib/provisioning/broker-hook-schemas";
import { emqxAuthorize } from "@/lib/provisioning/broker-hooks";
import { brokerHook, readHookBody } from "@/lib/provisioning/machine-requests";

/** EMQX 5 HTTP authorisation: `{ username, clientid, topic, action }` → `{ result: allow | deny }`. */
export const POST = brokerHook(async (request) => NextResponse.json(await emqxAuthorize(getDb(), await readHookBody(request, emqxAuthorizationRequestSchema))));

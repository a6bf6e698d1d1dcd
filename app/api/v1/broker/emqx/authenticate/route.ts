import { NextResponse } from "next/server";
import { getDb } from "@/lib/db";
import { emqxAuthenticationRequestSchema } from "@/lib/provisioning/broker-hook-schemas";
import { emqxAuthenticate } from "@/lib/provisioning/broker-hooks";
import { brokerHook, readHookBody } from "@/lib/provisioning/machine-requests";

/** EMQX 5 HTTP authentication: `{ username, password, clientid }` → `{ result, is_superuser }`. */
export const POST = brokerHook(async (request) => NextResponse.json(await emqxAuthenticate(getDb(), await readHookBody(request, emqxAuthenticationRequestSchema))));

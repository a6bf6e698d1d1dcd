import { getDb } from "@/lib/db";
import { mosquittoAclRequestSchema } from "@/lib/provisioning/broker-hook-schemas";
import { mosquittoAcl, mosquittoAnswer } from "@/lib/provisioning/broker-hooks";
import { brokerHook, readHookBody } from "@/lib/provisioning/machine-requests";

/** mosquitto-go-auth `http_aclcheck_uri`: 200 allows the topic for that access, 403 denies it. */
export const POST = brokerHook(async (request) => mosquittoAnswer(await mosquittoAcl(getDb(), await readHookBody(request, mosquittoAclRequestSchema)), "not authorised for this topic"));

import { getDb } from "@/lib/db";
import { mosquittoUserRequestSchema } from "@/lib/provisioning/broker-hook-schemas";
import { mosquittoAnswer, mosquittoUser } from "@/lib/provisioning/broker-hooks";
import { brokerHook, readHookBody } from "@/lib/provisioning/machine-requests";

/** mosquitto-go-auth `http_getuser_uri`: 200 lets the client in, 403 refuses it. */
export const POST = brokerHook(async (request) => mosquittoAnswer(await mosquittoUser(getDb(), await readHookBody(request, mosquittoUserRequestSchema)), "bad username or password"));

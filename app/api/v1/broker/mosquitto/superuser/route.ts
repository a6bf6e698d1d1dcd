import { mosquittoSuperuserRequestSchema } from "@/lib/provisioning/broker-hook-schemas";
import { mosquittoAnswer, mosquittoSuperuser } from "@/lib/provisioning/broker-hooks";
import { brokerHook, readHookBody } from "@/lib/provisioning/machine-requests";

/** mosquitto-go-auth `http_superuser_uri`: 200 for the service account only (it skips the ACL). */
export const POST = brokerHook(async (request) => mosquittoAnswer(mosquittoSuperuser(await readHookBody(request, mosquittoSuperuserRequestSchema)), "not a superuser"));

/**
 * The bodies external brokers send to /api/v1/broker/… and what they expect back:
 *  - EMQX 5 HTTP authentication (answer 200 `{ result: allow|deny|ignore, is_superuser }`) and
 *    HTTP authorisation (answer 200 `{ result: allow|deny }`), with the JSON body templates of
 *    the README;
 *  - mosquitto-go-auth's HTTP backend (`/user`, `/superuser`, `/acl`, JSON or form params,
 *    `http_response_mode status`: 200 allows, 403 denies; the body also suits `json` mode).
 * Brokers fill absent values with empty strings, so every text field defaults to "".
 */
import { z } from "zod";

const text = (description: string) => z.string().max(1024).default("").describe(description);

export const emqxAuthenticationRequestSchema = z.object({
  username: text("${username}"),
  password: text("${password}"),
  clientid: text("${clientid}"),
});

export const emqxAuthenticationResponseSchema = z.object({
  result: z.enum(["allow", "deny", "ignore"]).describe("ignore: the username is not one this product issues; the next authenticator decides"),
  is_superuser: z.boolean().describe("true for the service account (worker, web app) only"),
});

export const emqxAuthorizationRequestSchema = z.object({
  username: text("${username}"),
  clientid: text("${clientid}"),
  topic: z.string().min(1, "Send the topic").max(1024).describe("${topic}: the topic published to, or the filter subscribed to"),
  action: z.enum(["publish", "subscribe"], { error: "action must be publish or subscribe" }).describe("${action}"),
  retain: z
    .union([z.boolean(), z.enum(["true", "false", ""])])
    .default("")
    .transform((value) => value === true || value === "true")
    .describe("${retain} (EMQX 5.1 and later): a retained publish; devices may not retain"),
});

export const emqxAuthorizationResponseSchema = z.object({ result: z.enum(["allow", "deny"]) });

export const mosquittoUserRequestSchema = z.object({
  username: text("The MQTT username"),
  password: text("The MQTT password"),
  clientid: text("The MQTT client id"),
});

export const mosquittoSuperuserRequestSchema = z.object({ username: text("The MQTT username") });

/** mosquitto's access bits: 1 read (a message delivered to the client), 2 write, 3 both, 4 subscribe. */
export const MOSQUITTO_ACC = { read: 1, write: 2, readwrite: 3, subscribe: 4 } as const;

export const mosquittoAclRequestSchema = z.object({
  username: text("The MQTT username"),
  clientid: text("The MQTT client id"),
  topic: z.string().min(1, "Send the topic").max(1024).describe("The topic, or the filter for acc 4"),
  acc: z.coerce
    .number({ error: "acc must be 1 (read), 2 (write), 3 (read and write) or 4 (subscribe)" })
    .int()
    .min(1, "acc must be 1 (read), 2 (write), 3 (read and write) or 4 (subscribe)")
    .max(4, "acc must be 1 (read), 2 (write), 3 (read and write) or 4 (subscribe)")
    .describe("1 read, 2 write, 3 read and write, 4 subscribe"),
});

export const mosquittoResponseSchema = z
  .object({ ok: z.boolean(), error: z.string() })
  .describe("200 with ok: true allows; 403 with ok: false denies (the status is what `http_response_mode status` reads)");

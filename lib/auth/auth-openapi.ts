/**
 * The OpenAPI operations of sign-in security (lib/api/openapi.ts merges them into the document):
 * an admin resetting a person's two-factor sign-in. Enrolling and turning it off are the person's
 * own, on the security page (they need a session and a code), so they have no API.
 */
import { z } from "zod";
import { CALLER, components, errors, idParameter, ok, operation, ref, type OpenApiArea } from "../api/openapi-helpers";

export const userIdParam = z.coerce.number().int().positive();

const reset = z.object({
  userId: z.number().int(),
  wasEnabled: z.boolean().describe("Whether the person had two-factor on (false: nothing changed but the audit line)"),
});

export const authOpenApi: OpenApiArea = {
  tags: [],
  paths: {
    "/users/{id}/two-factor/reset": {
      post: operation("users.manage", {
        operationId: "resetTwoFactor",
        summary: "Reset a person's two-factor sign-in",
        description:
          "For a lost phone: turns off the person's authenticator (its secret and recovery codes are deleted), so they sign in with their password and set it up again " +
          "(an admin is held at the security page until they do when REQUIRE_ADMIN_TOTP is on). Needs an admin of every farm; your own account is a 400 (turn it off on Profile → Security). Audited as `two_factor_reset`.",
        tags: ["Access"],
        parameters: [idParameter("user", userIdParam)],
        responses: { "200": ok("Reset", ref("TwoFactorReset")), ...errors(400, ...CALLER, 404) },
      }),
    },
  },
  schemas: {
    ...components({ TwoFactorReset: reset }, "output"),
  },
};

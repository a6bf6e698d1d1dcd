import { withApi } from "@/lib/api/with-api";
import { signingPublicKey } from "@/lib/firmware/signing-key";

export const dynamic = "force-dynamic";

/** The public half of the manifest signing key, for device makers' bootloaders. */
export const GET = withApi(async () => signingPublicKey(), { permission: "firmware.read" });

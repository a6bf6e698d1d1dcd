/**
 * Where a device PUTs the gzip log bundle its `get_logs` command asked for. No session and no API
 * key: the one-time token in the URL (minted by the worker, its hash on the bundle) is the only
 * authority, so this route is outside withApi (no browser CSRF rule applies to a device) and
 * outside proxy.ts (which runs on pages only); its body limit is LOG_BUNDLE_MAX_BYTES, enforced
 * while the body streams.
 */
import { NextResponse } from "next/server";
import { errorResponse } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { logBundleServices, nodeBody, receiveLogUpload } from "@/lib/commands/log-bundles";
import { deviceIdFromPath } from "@/lib/commands/command-requests";

export const dynamic = "force-dynamic";

type Params = { id: string; bundleId: string };

export async function PUT(request: Request, context: { params: Promise<Params> }): Promise<Response> {
  try {
    const params = await context.params;
    const stored = await receiveLogUpload(getDb(), logBundleServices(), {
      deviceId: deviceIdFromPath(params.id),
      bundleId: params.bundleId,
      token: new URL(request.url).searchParams.get("token"),
      sha256: request.headers.get("x-content-sha256"),
      contentLength: request.headers.get("content-length"),
      body: nodeBody(request.body),
    });
    return NextResponse.json(stored, { status: 201 });
  } catch (error) {
    return errorResponse(error);
  }
}

import { NextResponse } from "next/server";
import { buildOpenApiDocument, type OpenApiDocument } from "@/lib/api/openapi";

/** Built once per server process: it changes only with the code. */
let document: OpenApiDocument | undefined;

/** Public, like any API reference: it describes the API and holds no data. */
export function GET() {
  document ??= buildOpenApiDocument();
  return NextResponse.json(document, { headers: { "Cache-Control": "public, max-age=300" } });
}

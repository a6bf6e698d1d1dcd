import { NextResponse } from "next/server";
import { getDb } from "@/lib/db";

/** Liveness for the launcher and load balancers: public, tells nothing but "up" and "db reachable". */
export async function GET() {
  try {
    await getDb().$queryRaw`select 1`;
    return NextResponse.json({ ok: true, database: "up" });
  } catch {
    return NextResponse.json({ ok: false, database: "down" }, { status: 503 });
  }
}

export const dynamic = "force-dynamic";

import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { JSON_BODY_LIMIT, limitBody } from "@/lib/api/request-guards";
import { errorResponse } from "@/lib/api/with-api";
import { authOptions } from "@/lib/auth/options";

const handler = NextAuth(authOptions);

/** Sign-in and sign-out forms are a few hundred bytes: a larger body is refused before next-auth reads it. */
async function POST(request: NextRequest, context: { params: Promise<{ nextauth: string[] }> }) {
  try {
    return await handler(new NextRequest(limitBody(request, JSON_BODY_LIMIT)), context);
  } catch (error) {
    return errorResponse(error);
  }
}

export { handler as GET, POST };

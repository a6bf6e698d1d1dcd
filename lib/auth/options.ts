/**
 * next-auth (v4) configuration: e-mail + password, JWT sessions. The token carries the user id and
 * the id of a server-side session (lib/auth/sessions.ts) that every server request checks
 * (lib/auth/session.ts): signing out, deactivation and a change of role end it at once, not when
 * the token expires.
 */
import type { NextAuthOptions } from "next-auth";
import { headers } from "next/headers";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db";
import { isExpectedError } from "../errors";
import { clientAddress } from "../http/client-address";
import { endSession, SESSION_MAX_AGE_SECONDS, startSession } from "./sessions";
import { claimsFromProfile, matchOidcSignIn, oidcProviders } from "./oidc";
import { signInWithPassword } from "./sign-in";

/** The caller's address inside a next-auth callback (no request object there): from the route's headers. */
async function callbackAddress(): Promise<string> {
  try {
    return clientAddress(Object.fromEntries((await headers()).entries()));
  } catch {
    return "unknown";
  }
}

export const authOptions: NextAuthOptions = {
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" }, code: { label: "Two-factor code", type: "text" } },
      async authorize(credentials, request) {
        try {
          const ip = clientAddress(request?.headers as Record<string, unknown> | undefined);
          const actor = await signInWithPassword(getDb(), { email: credentials?.email ?? "", password: credentials?.password ?? "", code: credentials?.code || undefined, ip });
          if (!actor) return null;
          return { id: String(actor.id), email: actor.label, name: actor.name, sid: await startSession(getDb(), actor, ip) };
        } catch (error) {
          // next-auth shows a thrown error's message to the sign-in form: only expected ones.
          if (isExpectedError(error)) throw new Error(error.message);
          console.error("sign-in failed unexpectedly", error);
          throw new Error("Sign-in is unavailable right now. Try again in a minute.");
        }
      },
    }),
    ...oidcProviders(),
  ],
  callbacks: {
    async signIn({ user, account, profile }) {
      if (account?.type !== "oauth") return true;
      try {
        const claims = claimsFromProfile(account.provider, (profile ?? {}) as Record<string, unknown>);
        if (!claims) return "/login?error=NoEmail";
        const match = await matchOidcSignIn(getDb(), claims, await callbackAddress());
        if (!match.ok) return `/login?${new URLSearchParams({ error: match.error, ...(match.email ? { email: match.email } : {}) })}`;
        // next-auth hands this same object to the jwt callback (JWT sessions, no adapter).
        Object.assign(user, { id: String(match.actor.id), email: match.actor.label, name: match.actor.name, sid: match.sid });
        return true;
      } catch (error) {
        console.error("single sign-on failed unexpectedly", error);
        return "/login?error=OAuthCallback";
      }
    },
    jwt({ token, user }) {
      if (user) {
        token.uid = Number(user.id);
        token.sid = (user as { sid?: string }).sid;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, uid: token.uid, sid: token.sid };
    },
  },
  events: {
    async signOut({ token }) {
      await endSession(getDb(), token?.sid, "signed_out");
    },
  },
};

/**
 * next-auth (v4) configuration: e-mail + password, JWT sessions. The token carries the user id;
 * role and farm are re-read from the database on every server request (lib/auth/session.ts), so a
 * demoted or deactivated user loses rights at once, not when the token expires.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db";
import { isExpectedError } from "../errors";
import { clientAddress } from "../http/client-address";
import { signInWithPassword } from "./sign-in";

export const authOptions: NextAuthOptions = {
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        try {
          const actor = await signInWithPassword(getDb(), {
            email: credentials?.email ?? "",
            password: credentials?.password ?? "",
            ip: clientAddress(request?.headers as Record<string, unknown> | undefined),
          });
          return actor ? { id: String(actor.id), email: actor.label, name: actor.name } : null;
        } catch (error) {
          // next-auth shows a thrown error's message to the sign-in form: only expected ones.
          if (isExpectedError(error)) throw new Error(error.message);
          console.error("sign-in failed unexpectedly", error);
          throw new Error("Sign-in is unavailable right now. Try again in a minute.");
        }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) token.uid = Number(user.id);
      return token;
    },
    session({ session, token }) {
      return { ...session, uid: token.uid };
    },
  },
};

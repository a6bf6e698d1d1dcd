/** Helpers of the domain integration tests: a person who acts, and the error a refused call gives. */
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";

/** A user row and the Actor a session of theirs would give (no password: they never sign in). */
export async function createTestPerson(db: Db, role: Actor["role"], farmId: number | null, email: string, name: string): Promise<Actor> {
  const user = await db.user.create({ data: { email, name, role, farmId, passwordHash: "not-used" } });
  return { kind: "user", id: user.id, label: user.email, name: user.name, role, farmId };
}

/** The error `promise` rejects with; a promise that resolves fails the test. */
export async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal");
}

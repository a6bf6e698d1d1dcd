import bcrypt from "bcryptjs";

/** People's passwords are low-entropy, so they get a slow salted hash (bcrypt, cost 11). */
const COST = 11;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

let dummyHash: string | undefined;

/** Compared against when the e-mail is unknown, so "no such user" takes as long as "wrong password". */
export function dummyPasswordHash(): string {
  dummyHash ??= bcrypt.hashSync("no-such-user-placeholder", COST);
  return dummyHash;
}

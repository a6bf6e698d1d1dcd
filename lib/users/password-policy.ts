/**
 * What a person's password must be, and why one is refused, in words they can act on. Length is what
 * makes a password hard to guess (NIST SP 800-63B): at least 12 characters, no composition rules, but
 * no password that guessers try first — the most common ones (common-passwords.txt, from public
 * breach lists), the person's own name or e-mail, one character repeated, a keyboard or counting
 * run, or this product's name with digits stuck on.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

let common: ReadonlySet<string> | undefined;

/** The common-password list, read once (a data file so that it can grow without touching code). */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(path.join(process.cwd(), "lib/users/common-passwords.txt"), "utf8")
      .split("\n")
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line && !line.startsWith("#")),
  );
  return common;
}

/** Runs people type when asked for "something long": keyboard rows and counting. */
const SEQUENCES = ["abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgbyhn"];

function isSequence(text: string): boolean {
  if (text.length < 4) return false;
  return SEQUENCES.some((run) => {
    const reversed = [...run].reverse().join("");
    // One run repeated to length ("abcabcabc…", "123412341234") counts too.
    return [run, reversed].some((line) => {
      for (let start = 0; start < line.length; start++) {
        for (let size = 3; start + size <= line.length; size++) {
          const piece = line.slice(start, start + size);
          if (piece.repeat(Math.ceil(text.length / size)).slice(0, text.length) === text) return true;
        }
      }
      return false;
    });
  });
}

/** Leetspeak undone, so "P@ssw0rd" is still "password". */
function unLeet(text: string): string {
  return text.replace(/[@4]/g, "a").replace(/3/g, "e").replace(/[1!|]/g, "i").replace(/0/g, "o").replace(/[5$]/g, "s").replace(/7/g, "t");
}

export type PasswordOwner = { email?: string | null; name?: string | null };

/**
 * Why `password` may not be used, or null if it may. The first reason found is the one given: one
 * clear sentence beats a list of rules.
 */
export function passwordProblem(password: string, owner: PasswordOwner = {}): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters (this one has ${password.length}). A few unrelated words make a long password easy to remember.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  const lower = password.toLowerCase();
  const compact = lower.replace(/[\s._\-]+/g, "");
  if (new Set(compact).size === 1) return "This password is one character repeated; guessers try those first.";
  // Trailing digits and punctuation do not make a guessable word less guessable ("password2026!").
  const core = compact.replace(/[\d!?.*#@$%&]+$/, "");
  if (/^(smartdairy|dairy|password)$/.test(unLeet(core)) && core !== compact) {
    return "This is the product's name or \"password\" with digits added; guessers try those first.";
  }
  const list = commonPasswords();
  if ([lower, compact, core, unLeet(compact), unLeet(core)].some((candidate) => list.has(candidate))) {
    return "This is one of the most common passwords, which guessers try first. Choose another.";
  }
  if (isSequence(compact) || isSequence(core)) return "This password is a keyboard row or a counting sequence; guessers try those first.";
  const local = owner.email?.split("@")[0]?.toLowerCase().replace(/[^a-z0-9]/g, "") ?? "";
  if (local.length >= 3 && compact.replace(/[^a-z0-9]/g, "").includes(local)) return "The password contains your e-mail address; choose one that does not.";
  for (const part of (owner.name ?? "").toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (part.length >= 3 && compact.includes(part)) return "The password contains your name; choose one that does not.";
  }
  return null;
}

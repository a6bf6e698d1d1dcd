/**
 * Firmware version numbers as device makers write them: "2.1.0", "2.1", "2.1.0-rc.1", "v3.0.2".
 * Compared part by part as numbers ("2.10.0" is newer than "2.9.0", which a string compare gets
 * wrong); a pre-release ("-rc.1") comes before its release.
 */
export const VERSION_PATTERN = /^v?\d+(\.\d+){0,3}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

type Parsed = { parts: number[]; pre: string | null };

function parse(version: string): Parsed | null {
  const text = version.trim().replace(/^v/i, "");
  if (!VERSION_PATTERN.test(text)) return null;
  const [core, pre] = text.split("+")[0]!.split(/-(.*)/s) as [string, string | undefined];
  return { parts: core.split(".").map(Number), pre: pre ?? null };
}

/** <0 when a is older than b, 0 when the same, >0 when newer; unparsable versions sort first. */
export function compareVersions(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  if (!left || !right) return left ? 1 : right ? -1 : a.localeCompare(b);
  for (let i = 0; i < Math.max(left.parts.length, right.parts.length); i++) {
    const difference = (left.parts[i] ?? 0) - (right.parts[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (left.pre === right.pre) return 0;
  if (left.pre === null) return 1;
  if (right.pre === null) return -1;
  return left.pre.localeCompare(right.pre, "en", { numeric: true });
}

import { describe, expect, it } from "vitest";
import { isDataError, isolateRefused } from "./isolate-refused";

const refusal = (code: string) => Object.assign(new Error(`refused (${code})`), { code });

describe("isolateRefused", () => {
  it("stores everything but the refused items, in halves, and names each culprit once", async () => {
    const items = Array.from({ length: 1_000 }, (_, i) => i);
    const poisoned = new Set([3, 800]);
    const stored: number[] = [];
    const refused: number[] = [];
    let writes = 0;
    await isolateRefused(
      items,
      refusal("22P05"),
      async (part) => {
        writes += 1;
        if (part.some((item) => poisoned.has(item))) throw refusal(part.includes(3) ? "22021" : "22003");
        stored.push(...part);
      },
      (item) => refused.push(item),
    );
    expect(stored.sort((a, b) => a - b)).toEqual(items.filter((item) => !poisoned.has(item)));
    expect(refused).toEqual([3, 800]);
    // Halving: about 2 × log2(1,000) writes per culprit, not one per item.
    expect(writes).toBeLessThan(45);
  });

  it("stops at a fault of the database itself: what was stored is stored, the rest is the caller's to retry", async () => {
    const stored: number[] = [];
    const down = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    let calls = 0;
    await expect(
      isolateRefused(
        [1, 2, 3, 4],
        refusal("23514"),
        async (part) => {
          calls += 1;
          if (calls > 1) throw down;
          stored.push(...part);
        },
        () => undefined,
      ),
    ).rejects.toBe(down);
    expect(stored).toEqual([1, 2]);
  });

  it("tells data errors from the database's own state", () => {
    expect(isDataError(refusal("22021"))).toBe(true);
    expect(isDataError(refusal("22P05"))).toBe(true);
    expect(isDataError(refusal("23505"))).toBe(true);
    for (const code of ["57P01", "08006", "53300", "40P01", "ECONNREFUSED"]) expect(isDataError(refusal(code))).toBe(false);
    expect(isDataError(new Error("Connection terminated unexpectedly"))).toBe(false);
    expect(isDataError(null)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import type { TelemetryWindow } from "./coalesce";
import { TelemetryIngestor } from "./ingest";
import type { SqlPool } from "./sql";
import type { StoreResult } from "./store-window";

const pool = {} as SqlPool;
const message = (deviceId: string, battery: number) => ({
  kind: "telemetry" as const,
  deviceId,
  receivedAt: new Date(),
  payload: { battery_level: battery },
});

describe("TelemetryIngestor", () => {
  it("acknowledges only after the window is stored, in one write per window", async () => {
    const windows: number[] = [];
    const ingestor = new TelemetryIngestor({
      pool,
      flushIntervalMs: 20,
      store: async (_pool, window: TelemetryWindow): Promise<StoreResult> => {
        windows.push(window.size);
        return { stored: window.size, unknownDeviceIds: [], unknownMessages: 0 };
      },
    });
    const acked: string[] = [];
    ingestor.accept(message("MM001", 50), () => acked.push("a"));
    ingestor.accept(message("MM001", 49), () => acked.push("b"));
    expect(acked).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(acked).toEqual(["a", "b"]);
    expect(windows).toEqual([2]);
    expect(ingestor.stats().stored).toBe(2);
  });

  it("stores a window as soon as the stream goes quiet (a broker waits for acknowledgements)", async () => {
    const windows: number[] = [];
    const ingestor = new TelemetryIngestor({
      pool,
      flushIntervalMs: 10_000,
      quietFlushMs: 10,
      store: async (_pool, window) => {
        windows.push(window.size);
        return { stored: window.size, unknownDeviceIds: [], unknownMessages: 0 };
      },
    });
    for (let i = 0; i < 5; i++) ingestor.accept(message("MM001", 50 - i));
    // The first quiet moment stores the window, long before its 10 s age.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(windows).toEqual([5]);
    await ingestor.stop();
  });

  it("flushes at once when the window is full", async () => {
    const windows: number[] = [];
    const ingestor = new TelemetryIngestor({
      pool,
      flushIntervalMs: 10_000,
      maxWindow: 3,
      store: async (_pool, window) => {
        windows.push(window.size);
        return { stored: window.size, unknownDeviceIds: [], unknownMessages: 0 };
      },
    });
    for (let i = 0; i < 3; i++) ingestor.accept(message("MM001", 50 - i));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(windows).toEqual([3]);
    await ingestor.stop();
  });

  it("keeps the window and retries while the database is down, acknowledging nothing meanwhile", async () => {
    let down = true;
    const ingestor = new TelemetryIngestor({
      pool,
      flushIntervalMs: 5,
      retryMinMs: 10,
      retryMaxMs: 20,
      store: async (_pool, window) => {
        if (down) throw new Error("connection refused");
        return { stored: window.size, unknownDeviceIds: [], unknownMessages: 0 };
      },
    });
    const acked: number[] = [];
    ingestor.accept(message("MM001", 50), () => acked.push(1));
    await new Promise((resolve) => setTimeout(resolve, 40));
    ingestor.accept(message("MM002", 40), () => acked.push(2));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(acked).toEqual([]);
    expect(ingestor.stats().failedFlushes).toBeGreaterThan(0);
    expect(ingestor.stats().pending).toBe(2);
    down = false;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(acked).toEqual([1, 2]);
    expect(ingestor.stats().stored).toBe(2);
  });

  it("holds writers back above the high-water mark", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ingestor = new TelemetryIngestor({
      pool,
      flushIntervalMs: 1,
      highWater: 2,
      store: async (_pool, window) => {
        await gate;
        return { stored: window.size, unknownDeviceIds: [], unknownMessages: 0 };
      },
    });
    ingestor.accept(message("MM001", 1));
    ingestor.accept(message("MM001", 2));
    let writable = false;
    void ingestor.whenWritable().then(() => (writable = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writable).toBe(false);
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writable).toBe(true);
  });

  it("hands held-back device rows to the next window, and writes them once due or on stop", async () => {
    const seen: { devices: string[]; defer: number | undefined; battery: (number | undefined)[] }[] = [];
    const ingestor = new TelemetryIngestor({
      pool,
      flushIntervalMs: 5,
      deviceRowRefreshMs: 60_000,
      store: async (_pool, window, _now, options) => {
        const states = [...window.states.values()];
        seen.push({ devices: states.map((s) => s.deviceId), defer: options?.deferRowsForMs, battery: states.map((s) => s.batteryLevel) });
        // Pretend every row is unchanged: all of them are held back (except on the final write).
        return { stored: window.size, unknownDeviceIds: [], unknownMessages: 0, deferred: options?.deferRowsForMs ? states : [] };
      },
    });
    ingestor.accept(message("MM001", 50));
    await new Promise((resolve) => setTimeout(resolve, 30));
    ingestor.accept(message("MM002", 40));
    await new Promise((resolve) => setTimeout(resolve, 30));
    // MM001's held state did not come along (not due, not heard from again)…
    expect(seen[1]).toMatchObject({ devices: ["MM002"], defer: 60_000 });
    ingestor.accept(message("MM001", 49));
    await new Promise((resolve) => setTimeout(resolve, 30));
    // …until MM001 spoke again: the held state merged in front of the new message.
    expect(seen[2]).toMatchObject({ devices: ["MM001"], battery: [49] });
    await ingestor.stop();
    // Stopping writes every held row, with no deferral.
    expect(seen.at(-1)).toMatchObject({ defer: 0 });
    expect(seen.at(-1)!.devices.sort()).toEqual(["MM001", "MM002"]);
  });

  it("isolates a message the database refuses as data: the rest stored once, the culprit dropped, acknowledged and counted, a database fault meanwhile retried", async () => {
    const stored: number[] = [];
    let calls = 0;
    const ingestor = new TelemetryIngestor({
      pool,
      flushIntervalMs: 10_000,
      retryMinMs: 5,
      store: async (_pool, window) => {
        calls += 1;
        const batteries = window.samples.map((sample) => sample.batteryLevel!);
        // The database goes away once, in the middle of the isolation.
        if (calls === 4) throw new Error("Connection terminated unexpectedly");
        if (batteries.includes(13)) throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021" });
        stored.push(...batteries);
        return { stored: window.size, unknownDeviceIds: [], unknownMessages: 0 };
      },
    });
    const acked: number[] = [];
    for (let battery = 1; battery <= 20; battery++) ingestor.accept(message(`MM${String(battery).padStart(3, "0")}`, battery), () => acked.push(battery));
    await ingestor.flush().catch(() => undefined);
    await ingestor.stop();
    const all = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(stored.sort((a, b) => a - b)).toEqual(all.filter((battery) => battery !== 13));
    expect(acked.sort((a, b) => a - b)).toEqual(all);
    expect(ingestor.stats()).toMatchObject({ stored: 19, refused: 1, pending: 0 });
    expect(ingestor.stats().failedFlushes).toBe(1);
  });

  it("isolates a held-back device row the database refuses from the messages it was merged with", async () => {
    const lines: string[] = [];
    const written: string[] = [];
    let first = true;
    const ingestor = new TelemetryIngestor({
      pool,
      flushIntervalMs: 10_000,
      deviceRowRefreshMs: 60_000,
      log: (line) => lines.push(line),
      store: async (_pool, window) => {
        if ([...window.states.values()].some((state) => state.uptimeSeconds === -1)) throw Object.assign(new Error("integer out of range"), { code: "22003" });
        written.push(...window.states.keys());
        // The first window's row is held back, carrying a value the database will refuse.
        const deferred = first ? [...window.states.values()].map((state) => ({ ...state, uptimeSeconds: -1 })) : [];
        first = false;
        return { stored: window.size, unknownDeviceIds: [], unknownMessages: 0, deferred };
      },
    });
    ingestor.accept(message("MM001", 50));
    await ingestor.flush();
    const acked: string[] = [];
    ingestor.accept(message("MM002", 40), () => acked.push("MM002"));
    // Stopping writes every held-back row with the last window.
    await ingestor.stop();
    expect(acked).toEqual(["MM002"]);
    expect(written).toEqual(["MM001", "MM002"]);
    expect(ingestor.stats()).toMatchObject({ stored: 2, refused: 0, pending: 0 });
    expect(lines.some((line) => line.includes('dropped held-back row of "MM001"'))).toBe(true);
  });
});

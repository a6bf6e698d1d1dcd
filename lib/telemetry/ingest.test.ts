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
});

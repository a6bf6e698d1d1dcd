import { describe, expect, it } from "vitest";
import { boundsOf, clusterSummary, hasUsableCoordinates, spreadPositions } from "./device-map";

describe("the device map", () => {
  it("fits the devices' corners", () => {
    expect(boundsOf([])).toBeNull();
    expect(boundsOf([[52.1, 5.2], [52.0, 5.3], [52.05, 5.1]])).toEqual([[52.0, 5.1], [52.1, 5.3]]);
  });

  it("leaves out coordinates that cannot be placed, and 0,0 (never set)", () => {
    expect(hasUsableCoordinates(52.09, 5.12)).toBe(true);
    expect(hasUsableCoordinates(null, 5.12)).toBe(false);
    expect(hasUsableCoordinates(0, 0)).toBe(false);
    expect(hasUsableCoordinates(91, 5)).toBe(false);
    expect(hasUsableCoordinates(-33.9, -181)).toBe(false);
  });

  it("keeps a lone device where it is and spreads devices sharing a spot on a small ring", () => {
    const spot = { latitude: 52.09, longitude: 5.12 };
    const positions = spreadPositions([spot, { latitude: 52.1, longitude: 5.13 }, spot, spot]);
    expect(positions[1]).toEqual([52.1, 5.13]);
    const ring = [positions[0]!, positions[2]!, positions[3]!];
    expect(new Set(ring.map((p) => p.join())).size).toBe(3);
    for (const [lat, lon] of ring) {
      const metres = Math.hypot((lat - spot.latitude) * 111_000, (lon - spot.longitude) * 111_000 * Math.cos((spot.latitude * Math.PI) / 180));
      expect(metres).toBeGreaterThan(3);
      expect(metres).toBeLessThan(6);
    }
  });

  it("names a cluster by its worst device and says every health in words, not by colour alone", () => {
    const cluster = clusterSummary([
      { healthStatus: "healthy", needsAttention: false },
      { healthStatus: "critical", needsAttention: true },
      { healthStatus: "healthy", needsAttention: false },
      { healthStatus: "warning", needsAttention: true },
    ]);
    expect(cluster).toEqual({ count: 4, worst: "critical", needsAttention: 2, label: "4 devices: 1 critical, 1 warning, 2 healthy; 2 need attention" });
    expect(clusterSummary([{ healthStatus: "unknown", needsAttention: false }, { healthStatus: "healthy", needsAttention: false }])).toMatchObject({ worst: "unknown", label: "2 devices: 1 unknown, 1 healthy" });
  });
});

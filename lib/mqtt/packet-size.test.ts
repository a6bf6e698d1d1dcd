import mqttPacket from "mqtt-packet";
import { describe, expect, it } from "vitest";
import { PacketSizeGuard } from "./packet-size";

const publish = (payloadBytes: number) =>
  mqttPacket.generate({ cmd: "publish", topic: "devices/MM001/telemetry", payload: Buffer.alloc(payloadBytes, 0x61), qos: 1, messageId: 7, dup: false, retain: false });
const ping = () => mqttPacket.generate({ cmd: "pingreq" });

describe("PacketSizeGuard", () => {
  it("lets packets up to the limit through, whatever the chunks, and names the first one past it", () => {
    const small = publish(100);
    const large = publish(2_000);
    const stream = Buffer.concat([small, ping(), small, large, small]);
    for (const chunkSize of [1, 2, 3, 7, 64, stream.length]) {
      const guard = new PacketSizeGuard(1_000);
      let refused: number | null = null;
      let passed = 0;
      for (let at = 0; at < stream.length && refused === null; at += chunkSize) {
        refused = guard.feed(stream.subarray(at, at + chunkSize));
        if (refused === null) passed = Math.min(stream.length, at + chunkSize);
      }
      expect(refused, `chunks of ${chunkSize}`).toBe(large.length);
      // Refused at its header: not one byte of its body had to be taken.
      expect(passed).toBeLessThan(2 * small.length + 2 + 5);
    }
  });

  it("passes a stream of packets under the limit, and refuses a malformed length", () => {
    const guard = new PacketSizeGuard(1_000);
    for (let i = 0; i < 50; i++) expect(guard.feed(Buffer.concat([publish(900), ping()]))).toBeNull();
    expect(new PacketSizeGuard(1_000).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(-1);
  });
});

import mqttPacket from "mqtt-packet";
import { describe, expect, it } from "vitest";
import { PubackBatch, type PacketSink } from "./puback-batch";

function sink(writable = true) {
  const writes: Buffer[] = [];
  const socket: PacketSink = { writable, write: (chunk) => (writes.push(chunk), true) };
  return { socket, writes };
}

/** What a broker's parser makes of the bytes, for MQTT 3.1.1 (4) or 5. */
function parse(bytes: Buffer, protocolVersion: 4 | 5) {
  const parser = mqttPacket.parser({ protocolVersion });
  const packets: mqttPacket.Packet[] = [];
  const errors: Error[] = [];
  parser.on("packet", (packet) => packets.push(packet));
  parser.on("error", (error) => errors.push(error));
  parser.parse(bytes);
  expect(errors).toEqual([]);
  return packets;
}

describe("PubackBatch", () => {
  it("writes the acknowledgements released together as one write of valid PUBACKs, for MQTT 3.1.1 and 5", async () => {
    const { socket, writes } = sink();
    const batch = new PubackBatch(() => socket);
    for (const id of [1, 2, 300, 65_535]) batch.add(id);
    expect(writes).toHaveLength(0);
    await Promise.resolve();
    expect(writes).toHaveLength(1);
    for (const version of [4, 5] as const) {
      const packets = parse(writes[0]!, version);
      expect(packets.map((packet) => packet.cmd)).toEqual(["puback", "puback", "puback", "puback"]);
      expect(packets.map((packet) => (packet as mqttPacket.IPubackPacket).messageId)).toEqual([1, 2, 300, 65_535]);
      if (version === 5) expect(packets.every((packet) => !(packet as mqttPacket.IPubackPacket).reasonCode)).toBe(true);
    }
    // A later release is a write of its own.
    batch.add(7);
    await Promise.resolve();
    expect(writes).toHaveLength(2);
    expect(parse(writes[1]!, 4)).toMatchObject([{ cmd: "puback", messageId: 7 }]);
  });

  it("drops acknowledgements of a lost connection: the broker redelivers those messages", async () => {
    const closed = sink(false);
    const batch = new PubackBatch(() => closed.socket);
    batch.add(1);
    await Promise.resolve();
    expect(closed.writes).toHaveLength(0);

    const { socket, writes } = sink();
    const connection: { socket?: PacketSink } = {};
    const reconnected = new PubackBatch(() => connection.socket);
    reconnected.add(2);
    await Promise.resolve();
    expect(writes).toHaveLength(0); // no socket at all
    reconnected.add(3);
    reconnected.discard(); // the connection was replaced before they went out
    connection.socket = socket;
    await Promise.resolve();
    expect(writes).toHaveLength(0);
  });
});

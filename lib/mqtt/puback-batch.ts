/**
 * Acknowledging QoS 1 messages after they are stored (workers/iot-worker.ts) releases a window's
 * PUBACKs all at once.
 */

/** The part of a connection's socket this needs. */
export type PacketSink = { writable: boolean; write(chunk: Buffer): boolean };

/**
 * PUBACKs of one connection, written together. A committed window releases hundreds of them at
 * once; through mqtt.js's own writer each would be a socket write (a system call) of 4 bytes, 9 %
 * of the worker's CPU at 10,000 messages/s. A PUBACK without reason code or properties is valid
 * in MQTT 3.1.1 and 5 alike (MQTT 5 §3.4.2.1: "success" may be left out, remaining length 2).
 */
export class PubackBatch {
  private ids: number[] = [];
  private scheduled = false;

  constructor(private readonly socket: () => PacketSink | undefined) {}

  add(messageId: number) {
    this.ids.push(messageId);
    if (this.scheduled) return;
    this.scheduled = true;
    // After the loop that releases a window's acknowledgements, before any further I/O.
    queueMicrotask(() => this.send());
  }

  /** Acknowledgements of a lost connection are dropped: the broker redelivers those messages. */
  discard() {
    this.ids = [];
  }

  private send() {
    this.scheduled = false;
    const ids = this.ids;
    this.ids = [];
    const socket = this.socket();
    if (ids.length === 0 || !socket?.writable) return;
    const packets = Buffer.allocUnsafe(ids.length * 4);
    ids.forEach((id, i) => {
      packets[i * 4] = 0x40; // PUBACK
      packets[i * 4 + 1] = 2;
      packets.writeUInt16BE(id, i * 4 + 2);
    });
    // One write of whole packets: mqtt.js writes each of its own packets within one synchronous
    // call, so nothing can land between the bytes of ours or theirs.
    socket.write(packets);
  }
}

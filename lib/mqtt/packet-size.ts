/**
 * MQTT packet lengths read off a byte stream, for a broker that has no maximum packet size of its
 * own (Aedes: moscajs/aedes#831). The parser there buffers a whole packet before looking at it, up
 * to the protocol's 256 MB; this reads only each packet's fixed header (type byte, then a 1–4 byte
 * "remaining length") and skips the body, so a packet is judged by its announced size before any of
 * its body is buffered.
 */

/** The largest packet the embedded broker takes: devices' messages are bounded far below (PAYLOAD_LIMITS). */
export const MAX_PACKET_BYTES = 256 * 1024;

export class PacketSizeGuard {
  /** Body bytes of the current packet still to pass. */
  private skip = 0;
  /** Reading a fixed header: bytes of it seen (0 = at a packet's first byte). */
  private headerBytes = 0;
  private length = 0;
  private multiplier = 1;

  constructor(private readonly maxBytes: number) {}

  /**
   * Follows `chunk`, the next bytes of the stream. Returns null, or the size of the first packet
   * past the limit (the announced total, header included), or -1 for a malformed length.
   */
  feed(chunk: Uint8Array): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++]!;
      if (this.headerBytes === 0) {
        // The packet type and flags: the length follows.
        this.headerBytes = 1;
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      this.headerBytes += 1;
      this.length += (byte & 0x7f) * this.multiplier;
      if (byte & 0x80) {
        this.multiplier *= 128;
        if (this.headerBytes > 4) return -1;
        continue;
      }
      const total = this.headerBytes + this.length;
      if (total > this.maxBytes) return total;
      this.skip = this.length;
      this.headerBytes = 0;
    }
    return null;
  }
}

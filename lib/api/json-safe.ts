/**
 * Prisma returns BigInt (byte and uptime counters) and Decimal (money) values that JSON cannot
 * carry; API responses turn them into plain numbers, which stay exact far beyond any counter here.
 */
export function jsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? Number(item) : item)));
}

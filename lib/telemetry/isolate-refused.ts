/**
 * One message the database refuses as data must not hold back the batch it arrived in: every
 * batcher of the worker (telemetry windows, OTA status reports) writes a batch in one transaction,
 * and retrying a refused batch would refuse it forever. `isolateRefused` splits such a batch in
 * halves until each refused item is alone, stores everything else, and hands the culprits to the
 * caller to drop. A fault of the database itself (down, restarting, connection cut) is no verdict on
 * the data: it propagates, and the caller keeps what is not stored yet and retries it.
 */

/**
 * SQLSTATE classes 22 (data exception: NUL byte, bad Unicode, out of range) and 23 (integrity
 * constraint): the data itself is refused, the same write will be refused again. Anything else
 * (connection errors without a code, 08 connection, 57 shutdown, 53 resources, 40 deadlock) is
 * the database's state and passes.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^2[23]/.test(code);
}

/**
 * `items` were refused together with `error` (a data error). Stores halves with `store` (each call
 * one transaction whose commit, side effects included, is the callee's business), recursing into
 * refused halves; an item refused alone goes to `refused`. Throws the first error that is not a
 * data error: what `store` committed until then is stored, the rest is not.
 */
export async function isolateRefused<T>(
  items: readonly T[],
  error: unknown,
  store: (part: readonly T[]) => Promise<void>,
  refused: (item: T, error: unknown) => void,
  dataError: (error: unknown) => boolean = isDataError,
): Promise<void> {
  if (items.length <= 1) {
    if (items.length === 1) refused(items[0]!, error);
    return;
  }
  const middle = items.length >> 1;
  for (const half of [items.slice(0, middle), items.slice(middle)]) {
    try {
      await store(half);
    } catch (inner) {
      if (!dataError(inner)) throw inner;
      await isolateRefused(half, inner, store, refused, dataError);
    }
  }
}

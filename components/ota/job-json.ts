/**
 * A job's data as it travels to the browser (the first render and every poll alike): dates become
 * ISO strings, so the live view has one shape whichever way the data came.
 */
import type { UpdateJobDetail, UpdateJobLog } from "@/lib/ota/update-job-views";

export type Jsonified<T> = T extends Date ? string : T extends (infer U)[] ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;

export type JobJson = Jsonified<UpdateJobDetail>;
export type LogPageJson = { items: Jsonified<UpdateJobLog>[]; nextCursor: number | null };

export function toJson<T>(value: T): Jsonified<T> {
  return JSON.parse(JSON.stringify(value)) as Jsonified<T>;
}

/** Reading the cost routes' query strings: a bad month or months is a 400 naming the parameter. */
import type { z } from "zod";
import { fieldErrorsFromIssues, InvalidError } from "../errors";

export function costQuery<T>(request: Request, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const fields = fieldErrorsFromIssues(parsed.error.issues);
    throw new InvalidError(Object.values(fields).flat()[0] ?? "Invalid query.", fields);
  }
  return parsed.data;
}

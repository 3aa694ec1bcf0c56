import type { z } from 'zod';
import { badRequest } from '../errors';

/** Parses input at the edge with a shared schema; a failure is a 400 VALIDATION_FAILED that names the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw badRequest(`${where}${issue?.message ?? 'invalid input'}`, result.error.issues);
  }
  return result.data;
}

import type { z } from 'zod';
import { AppError } from '../../errors';
import { parseInput } from '../../http/validate';

/**
 * Parses an input carrying a new password (shared `newPassword` rule): a password that breaks the rule is
 * 400 WEAK_PASSWORD, so that the console can say so; anything else wrong is the usual VALIDATION_FAILED.
 */
export function parseWithNewPassword<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  const problemOf = (issue: object) => (issue as { params?: { problem?: unknown } }).params?.problem;
  const weak = result.error?.issues.find((issue) => issue.code === 'custom' && typeof problemOf(issue) === 'string');
  if (weak) {
    const problem = problemOf(weak) as string;
    throw new AppError('WEAK_PASSWORD', { status: 400, message: `${weak.path.join('.')}: ${weak.message}`, details: { problem } });
  }
  return parseInput(schema, input);
}

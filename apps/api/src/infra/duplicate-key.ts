/**
 * MongoDB's E11000: a unique index refused a write. Throughout the API this means "someone else did it first"
 * (a concurrent duplicate), which callers turn into success or a clear conflict, never a 500.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

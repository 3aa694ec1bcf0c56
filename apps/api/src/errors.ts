// One error family for everything the API refuses on purpose. The error middleware turns an AppError into
// `{ error: { code, message } }` with its status; anything else is a 500 whose details stay in the log.
import type { ErrorCode } from '@xiaodian/shared';

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** Whether the message is meant for users (Koa's `expose`). AppErrors are, by construction. */
  readonly expose = true;

  constructor(code: ErrorCode, options: { status: number; message: string; details?: unknown }) {
    super(options.message);
    this.name = 'AppError';
    this.code = code;
    this.status = options.status;
    this.details = options.details;
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new AppError('VALIDATION_FAILED', { status: 400, message, details });
export const unauthorized = (message = 'Sign in first') => new AppError('UNAUTHORIZED', { status: 401, message });
export const forbidden = (message = 'Not allowed for this role') => new AppError('FORBIDDEN', { status: 403, message });
export const notFound = (what: string) => new AppError('NOT_FOUND', { status: 404, message: `${what} not found` });
export const conflict = (code: ErrorCode, message: string) => new AppError(code, { status: 409, message });

// One error family for everything the API refuses on purpose. The error middleware turns an AppError into
// `{ error: { code, message } }` with its status. Only messages meant for users reach users (Koa's `expose`):
// a 5xx says nothing but its code and the request id to quote, whatever its message; the details are logged.
import type { ErrorCode } from '@xiaodian/shared';
import { WechatPayApiError, WechatPayError, WechatPayUnavailableError } from '@xiaodian/wechatpay';
import { isDuplicateKeyError } from './infra/duplicate-key';

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** Whether the message is meant for users: true for 4xx only. */
  readonly expose: boolean;

  constructor(code: ErrorCode, options: { status: number; message: string; details?: unknown; cause?: unknown }) {
    // A 4xx is a refusal on purpose, told apart by its code and the request id: capturing its stack would be
    // wasted work, and a flash sale's 900 refusals paid 3% of the API's time for stacks nothing read. A 5xx keeps
    // its stack for the log.
    const stackLimit = Error.stackTraceLimit;
    if (options.status < 500) Error.stackTraceLimit = 0;
    try {
      super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    } finally {
      Error.stackTraceLimit = stackLimit;
    }
    this.name = 'AppError';
    this.code = code;
    this.status = options.status;
    this.details = options.details;
    this.expose = options.status < 500;
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError('VALIDATION_FAILED', { status: 400, message, details });
export const unauthorized = (message = 'Sign in first') => new AppError('UNAUTHORIZED', { status: 401, message });
export const forbidden = (message = 'Not allowed for this role') => new AppError('FORBIDDEN', { status: 403, message });
export const notFound = (what: string) => new AppError('NOT_FOUND', { status: 404, message: `${what} not found` });
export const conflict = (code: ErrorCode, message: string) => new AppError(code, { status: 409, message });

/** The shape of the errors Koa's body parser (co-body, raw-body, inflation) and http-errors throw. */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
}

/**
 * What a body the parser refused is called, by raw-body's and co-body's error `type`s and statuses. Anything the
 * body parser throws is the body's fault (a zlib error from a lying Content-Encoding carries no status at all).
 */
export function bodyErrorOf(err: HttpLikeError, fromBodyParser = false): AppError | undefined {
  const status = err.status ?? err.statusCode;
  if (!fromBodyParser && (typeof status !== 'number' || status < 400 || status >= 500)) return undefined;
  if (status === 413 || err.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', { status: 413, message: 'The request body is too large' });
  // Malformed JSON, a bad or unsupported Content-Encoding (415 from inflation), a body shorter or longer than its
  // Content-Length. (A body that is not JSON at all is not parsed: the route's validation refuses it.)
  return new AppError('INVALID_BODY', { status: 400, message: 'The request body is not valid JSON' });
}

/**
 * Every error as an AppError, so the middleware has one shape to answer with: WeChat Pay's errors, mongoose's
 * cast and validation errors, duplicate keys, the body parser's errors; anything else is INTERNAL.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof WechatPayUnavailableError) return new AppError('WECHAT_UNAVAILABLE', { status: 503, message: 'WeChat Pay is not answering; please try again', cause: err });
  if (err instanceof WechatPayApiError) return new AppError('WECHAT_REJECTED', { status: 502, message: `WeChat Pay refused: ${err.code}`, cause: err });
  if (err instanceof WechatPayError) return new AppError('WECHAT_REJECTED', { status: 502, message: 'WeChat Pay answered something unexpected', cause: err });
  if (isDuplicateKeyError(err)) return new AppError('CONFLICT', { status: 409, message: 'Someone else made the same change at the same moment; try again', cause: err });
  const named = err as { name?: string; path?: string } | null;
  if (named?.name === 'CastError') return new AppError('VALIDATION_FAILED', { status: 400, message: `${named.path ?? 'a value'}: not a valid value`, cause: err });
  if (named?.name === 'ValidationError' || named?.name === 'ZodError') return new AppError('VALIDATION_FAILED', { status: 400, message: 'The input does not have the expected shape', cause: err });
  return bodyErrorOf(err as HttpLikeError) ?? new AppError('INTERNAL', { status: 500, message: err instanceof Error ? err.message : String(err), cause: err });
}

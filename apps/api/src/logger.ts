import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';

export type { Logger };

/** The request being served, if any: every log line written while serving it carries its id (pino's mixin). */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** JSON logs; keys, tokens, passwords and session keys never reach them, whatever a caller passes in. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'xiaodian-api' },
      // Whoever logs — a route, a service, a deferred piece of work started by the request — the line says which
      // request it belongs to, without anyone passing a child logger around.
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { reqId: scope.requestId } : {};
      },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'access_token',
          '*.access_token',
          'session_key',
          '*.session_key',
          'sessionKey',
          '*.sessionKey',
          'authorization',
          '*.authorization',
          'req.headers.authorization',
          'privateKey',
          'apiV3Key',
          'secret',
          '*.secret',
          // Request bodies are never logged: a refused body (co-body's `err.body`) can hold passwords.
          'body',
          '*.body',
          'err.body',
          'err.cause.body',
          'rawBody',
          '*.rawBody',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/**
 * Human-readable lines for a developer's terminal (development only: production and tests write JSON). pino-pretty
 * is a development dependency, loaded only here, synchronously formatting in this thread (no worker transport, so
 * tsx watch restarts stay instant and nothing is lost on exit).
 */
export async function prettyDestination(): Promise<pino.DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true });
}

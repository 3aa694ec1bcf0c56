import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs; keys, tokens, passwords and session keys never reach them, whatever a caller passes in. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'xiaodian-api' },
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
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

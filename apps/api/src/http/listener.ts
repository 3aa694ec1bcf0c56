// The HTTP listener's limits, shared by server.ts and the tests so that both run with the same ones.
import { createServer, type Server } from 'node:http';

export interface ListenerLimits {
  /** The whole request (headers and body) must arrive within this; a slow body is cut with 408. */
  requestTimeoutMs?: number;
  /** The headers must arrive within this. */
  headersTimeoutMs?: number;
}

/**
 * Node's defaults let a client hold a socket for 300 s by trickling a body (and check only every 30 s), which
 * a handful of clients can use to exhaust the server. The API's requests are small JSON bodies: 30 s for a
 * request and 15 s for its headers are generous, and the expired ones are found every second.
 */
export function createListener(limits: ListenerLimits = {}): Server {
  const server = createServer({
    requestTimeout: limits.requestTimeoutMs ?? 30_000,
    headersTimeout: limits.headersTimeoutMs ?? 15_000,
    connectionsCheckingInterval: 1_000,
  });
  // Keep-alive sockets must not hold a stop hostage; in-flight requests still finish.
  server.keepAliveTimeout = 5_000;
  return server;
}

// The listener's limits, through a raw socket: a client that sends its headers (or its body) a byte at a time
// must not hold a connection for Node's default 300 s.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './harness';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => world?.stop());

/** Opens a socket, writes `head`, then one `drip` a second until the server closes; resolves with what it said and when. */
function trickle(url: string, head: string, drip: string): Promise<{ answer: string; ms: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let answer = '';
    const timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(drip);
    }, 1_000);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, ms: Date.now() - started });
    });
    // Well past the limits: the test fails on its own timeout rather than hang forever.
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`socket still open after 50 s; the server said: ${answer.slice(0, 80)}`));
    }, 50_000).unref();
  });
}

describe('HTTP listener limits', () => {
  it('cuts a slow body after 30 s (408) and slow headers after 15 s', async () => {
    const [body, headers] = await Promise.all([
      trickle(world.api.url, 'POST /api/auth/login HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"code":"', 'a'),
      trickle(world.api.url, 'GET /api/health HTTP/1.1\r\nHost: shop\r\n', 'X-Slow: a\r\n'),
    ]);
    expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(body.ms).toBeGreaterThanOrEqual(29_000);
    expect(body.ms).toBeLessThan(35_000);
    expect(headers.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(headers.ms).toBeGreaterThanOrEqual(14_000);
    expect(headers.ms).toBeLessThan(20_000);
  }, 60_000);
});

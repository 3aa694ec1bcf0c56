// One HTTP POST to a merchant's notify_url, with its own connection (no pooling: concurrent duplicates must
// really be concurrent, and closing the sandbox must not leave sockets behind).
import http from 'node:http';
import https from 'node:https';

export interface PostResult {
  status?: number;
  body: string;
  error?: string;
  durationMs: number;
}

export function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number, signal?: AbortSignal): Promise<PostResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ body: '', error: 'invalid notify_url', durationMs: 0 });
      return;
    }
    const transport = target.protocol === 'https:' ? https : http;
    const payload = Buffer.from(body, 'utf8');
    let settled = false;
    const finish = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, durationMs: Date.now() - started });
    };
    const request = transport.request(
      target,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'Content-Length': String(payload.length), Connection: 'close' },
        timeout: timeoutMs,
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < 4096) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => finish({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => finish({ status: response.statusCode, body: '', error: error.message }));
      },
    );
    request.on('timeout', () => {
      request.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    request.on('error', (error) => finish({ body: '', error: error.message }));
    request.end(payload);
  });
}

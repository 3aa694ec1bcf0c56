// The H5 build served by the app's own preview server (apps/miniapp/scripts/preview-h5.mjs), as it would be
// deployed: static files, history fallback, /api → the API and /__sandbox → the sandbox on the same origin.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { miniappRoot } from './paths';

export interface Preview {
  url: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the preview script takes a fixed port, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startPreview(options: { dir: string; apiUrl: string; sandboxUrl: string }): Promise<Preview> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(miniappRoot, 'scripts/preview-h5.mjs')], {
    cwd: miniappRoot,
    env: { ...process.env, XD_H5_PORT: String(port), XD_H5_DIR: options.dir, XD_API_URL: options.apiUrl, VITE_SANDBOX_URL: options.sandboxUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`H5 preview did not start in 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // It logs one line once it listens.
      if (output.includes('H5 preview on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`H5 preview exited (${code}):\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // It closes gracefully; a connection the browser left open must not hold the run.
      const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(force);
    },
  };
}

// `pnpm --filter @xiaodian/api bench:export`: the orders export of 50,000 orders (XD_BENCH_EXPORT_ORDERS) and the
// heap it needs. The API runs in this process (startWorld) and the database in a process of its own (the devdb
// server, as in development: in this process its query engine's memory would count as the API's), so the heap
// measured is the API's while it streams, against what was live before. A streamed export grows by a few cursor
// batches and the zip's buffers, not by the file; the file's size is printed beside it. Not a test: the figures
// depend on the machine and its load, and are read by a person.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { workspaceRoot } from '../src/config';
import type { OrderDoc } from '../src/modules/orders/model';
import { adminToken, createProduct, shopperToken, call, ADDRESS, startWorld } from '../test/harness';
import { baseEnv, freePort, spawnChild } from '../test/processes';

const ORDERS = Number(process.env.XD_BENCH_EXPORT_ORDERS ?? 50_000);
const DAY = '2026-01-15';
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (the bench:export script does)');

const heap = () => process.memoryUsage().heapUsed;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'xd-bench-export-'));
  const dbPort = await freePort();
  const devdb = spawnChild({
    name: 'devdb',
    cwd: join(workspaceRoot(), 'packages/devdb'),
    entry: 'src/cli/dev-server.ts',
    env: { ...baseEnv(), DEVDB_PORT: String(dbPort), DEVDB_DATA_DIR: join(work, 'devdb') },
    logFile: join(work, 'devdb.log'),
  });
  const ready = await devdb.waitFor(/devdb: ready on mongodb:\/\/127\.0\.0\.1:(\d+)\//, 120_000);
  // The harness takes an external server from MONGODB_URI (each world in a database of its own, dropped at the end).
  process.env.MONGODB_URI = `mongodb://127.0.0.1:${ready[1]}/xiaodian`;
  const world = await startWorld();
  try {
    const admin = await adminToken(world);
    const product = await createProduct(world, admin, { name: '绿茶', priceFen: 333, stock: 10 });
    const token = await shopperToken(world, 'bench-export');
    const placed = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }], address: ADDRESS } });
    const { Order } = world.api.instance.services.models;
    const { _id, orderNo, ...template } = (await Order.findById(placed.body.id).lean<OrderDoc>())!;
    void _id;
    void orderNo;

    const start = new Date(`${DAY}T00:00:00+08:00`).getTime();
    const insertStarted = Date.now();
    for (let done = 0; done < ORDERS; ) {
      const n = Math.min(5_000, ORDERS - done);
      await Order.insertMany(
        Array.from({ length: n }, (_, k) => {
          const i = done + k;
          return { ...template, _id: new Types.ObjectId(), orderNo: `260115${String(i + 1).padStart(6, '0')}`, outTradeNo: `BENCHEXP${i}`, createdAt: new Date(start + i * 1_000) };
        }),
        { lean: true },
      );
      done += n;
    }
    console.log(`inserted ${ORDERS} orders in ${((Date.now() - insertStarted) / 1000).toFixed(1)} s`);

    gc!();
    const before = heap();
    // Two peaks: heapUsed every 10 ms (an upper bound: garbage not yet collected counts), and what is live after a
    // full GC every 2 s (what the export holds; a GC more often would slow the export it measures).
    let peakUsed = before;
    let peakLive = before;
    const sampler = setInterval(() => {
      peakUsed = Math.max(peakUsed, heap());
    }, 10);
    const collector = setInterval(() => {
      gc!();
      peakLive = Math.max(peakLive, heap());
    }, 2_000);
    const started = Date.now();
    const res = await fetch(`${world.api.url}/api/admin/orders/export?from=${DAY}&to=${DAY}`, { headers: { authorization: `Bearer ${admin}` } });
    if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}`);
    let bytes = 0;
    // Read and drop each chunk: the client keeps nothing, so what the heap grows by is the server's.
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
    clearInterval(sampler);
    clearInterval(collector);
    const seconds = (Date.now() - started) / 1000;

    console.log(`exported ${ORDERS} orders: ${(bytes / MB).toFixed(1)} MB of .xlsx in ${seconds.toFixed(1)} s (${Math.round(ORDERS / seconds)} rows/s)`);
    const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
    console.log(`heap before ${mb(before)} (live); during the export: heapUsed at most ${mb(peakUsed)} (+${mb(peakUsed - before)}), live at most ${mb(peakLive)} (+${mb(peakLive - before)})`);
  } finally {
    await world.stop();
    await devdb.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

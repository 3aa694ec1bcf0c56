// The database's CPU per command for the kind of work the API's order path does, with the development server
// (journal on) as a process of its own, as `pnpm dev` and the API's bench run it: per round, finds by `_id` and by
// a unique field, compare-and-set findAndModifys (a stock reservation pushed onto a product that holds a few
// dozen, an order moved with an event pushed), `$set` updates and an order inserted; 8 clients at a time. The
// figure is the server process's CPU time (user + system, from /proc) divided by the commands it answered.
//   pnpm --filter @xiaodian/devdb bench:commands
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mongoose from 'mongoose';

const ROUNDS = Number(process.env.XD_BENCH_ROUNDS ?? 1_500);
const CLIENTS = 8;
const PRODUCTS = 50;
const here = path.dirname(fileURLToPath(import.meta.url));
const { ObjectId } = mongoose.Types;
type Id = InstanceType<typeof ObjectId>;
interface Reservation {
  orderId: Id;
  quantity: number;
  at: Date;
}
interface Product {
  _id: Id;
  stock: number;
  reservations: Reservation[];
  name: string;
  priceFen: number;
  onShelf: boolean;
  images: string[];
  createdAt: Date;
  updatedAt: Date;
}
interface Order {
  _id: Id;
  orderNo: string;
  shopperId: Id;
  status: string;
  items: Array<{ productId: Id; skuId: Id; name: string; priceFen: number; quantity: number }>;
  amountFen: number;
  freightFen: number;
  address: { name: string; phone: string; region: string[]; detail: string };
  events: Array<{ type: string; at: Date }>;
  outTradeNo?: string;
  prepayId?: string;
  paidAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dir = mkdtempSync(path.join(tmpdir(), 'xd-devdb-bench-'));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
const profile = process.env.XD_BENCH_CPU_PROF;
const child = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), '--import', tsx, path.join(here, '../src/cli/dev-server.ts')], {
  env: { ...process.env, DEVDB_PORT: String(await freePort()), DEVDB_DATA_DIR: dir },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const uri = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.once('exit', (code) => reject(new Error(`devdb exited (${code})`)));
  child.stdout!.on('data', (data: Buffer) => {
    out += data.toString();
    const m = /ready on (mongodb:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]!.replace(/\/[^/]*$/, '/bench'));
  });
});

try {
  const client = await new mongoose.mongo.MongoClient(uri, { serverMonitoringMode: 'poll', maxPoolSize: CLIENTS }).connect();
  const db = client.db('bench');
  const products = db.collection<Product>('products');
  const orders = db.collection<Order>('orders');
  const shoppers = db.collection('shoppers');
  await orders.createIndex({ orderNo: 1 }, { unique: true });
  await orders.createIndex({ shopperId: 1, createdAt: -1 });
  await shoppers.createIndex({ openid: 1 }, { unique: true });
  const productIds = Array.from({ length: PRODUCTS }, () => new ObjectId());
  await products.insertMany(
    productIds.map((_id, i) => ({
      _id,
      name: `商品 ${i}`,
      priceFen: 1990 + i,
      stock: 1_000_000,
      onShelf: true,
      images: [`img/${i}-a.jpg`, `img/${i}-b.jpg`],
      reservations: Array.from({ length: 20 }, () => ({ orderId: new ObjectId(), quantity: 1, at: new Date() })),
      createdAt: new Date(),
      updatedAt: new Date(),
    })),
  );
  const shopperIds = Array.from({ length: 40 }, () => new ObjectId());
  await shoppers.insertMany(shopperIds.map((_id, i) => ({ _id, openid: `o-${i}`, createdAt: new Date(), unpaid: 0 })));

  let next = 0;
  const round = async (n: number): Promise<void> => {
    const productId = productIds[n % PRODUCTS]!;
    const shopperId = shopperIds[n % shopperIds.length]!;
    const orderId = new ObjectId();
    await shoppers.findOne({ openid: `o-${n % shopperIds.length}` });
    await products.findOne({ _id: productId });
    await products.find({ _id: { $in: [productId, productIds[(n + 1) % PRODUCTS]!] } }).toArray();
    await products.findOneAndUpdate(
      { _id: productId, stock: { $gte: 1 } },
      { $inc: { stock: -1 }, $push: { reservations: { orderId, quantity: 1, at: new Date() } }, $set: { updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
    await shoppers.findOneAndUpdate({ _id: shopperId }, { $inc: { unpaid: 1 } }, { returnDocument: 'after' });
    await orders.insertOne({
      _id: orderId,
      orderNo: `X${n}-${orderId.toHexString()}`,
      shopperId,
      status: 'pending',
      items: [{ productId, skuId: new ObjectId(), name: '商品', priceFen: 1990, quantity: 1 }],
      amountFen: 1990,
      freightFen: 0,
      address: { name: '张三', phone: '13800000000', region: ['广东省', '深圳市', '南山区'], detail: '科技园 1 号' },
      events: [{ type: 'created', at: new Date() }],
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await orders.findOne({ _id: orderId });
    await orders.find({ shopperId, status: 'pending' }).toArray();
    await orders.findOneAndUpdate(
      { _id: orderId, status: 'pending' },
      { $set: { status: 'paying', outTradeNo: `T${n}`, updatedAt: new Date() }, $push: { events: { type: 'prepay', at: new Date() } } },
      { returnDocument: 'after' },
    );
    await orders.updateOne({ _id: orderId }, { $set: { prepayId: `wx${n}`, updatedAt: new Date() } });
    await products.updateOne({ _id: productId }, { $pull: { reservations: { orderId } } });
    await orders.findOneAndUpdate(
      { _id: orderId, status: 'paying' },
      { $set: { status: 'paid', paidAt: new Date() }, $push: { events: { type: 'paid', at: new Date() } } },
      { returnDocument: 'after' },
    );
  };
  const COMMANDS_PER_ROUND = 12;
  // Warm up (JIT, index maps), then measure.
  await Promise.all(Array.from({ length: CLIENTS }, async () => { while (next < 200) await round(next++); }));
  const cpu0 = cpuSeconds(child.pid!);
  const t0 = performance.now();
  const end = 200 + ROUNDS;
  await Promise.all(Array.from({ length: CLIENTS }, async () => { while (next < end) await round(next++); }));
  const ms = performance.now() - t0;
  const cpuMs = (cpuSeconds(child.pid!) - cpu0) * 1000;
  const commands = ROUNDS * COMMANDS_PER_ROUND;
  console.log(`${ROUNDS} rounds, ${commands} commands in ${Math.round(ms)} ms: devdb CPU ${Math.round(cpuMs)} ms, ${(cpuMs / commands).toFixed(3)} ms per command, ${((cpuMs / ROUNDS)).toFixed(2)} ms per round`);
  await client.close();
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

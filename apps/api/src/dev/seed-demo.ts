// `pnpm dev` on an empty database: a small demo shop (4 categories, 8 products with pictures drawn now, one
// T-shirt in 2 colours × 3 sizes), so a newcomer sees a shop, not an empty list. Development only, and only when
// the catalog is empty: a shop with products of its own is never touched.
//
// Everything goes through the API's own HTTP routes with an owner's token, as the console would do it, so the
// demo obeys the same validation, image processing and stock rules as real data. A marker document says a seed
// is under way; a start that finds it unfinished (a crash, Ctrl-C half-way) carries on, creating only what is
// missing by name, so the shop is never left half-seeded and nothing is created twice.
import type { Connection } from 'mongoose';
import type { Logger } from '../logger';
import type { Services } from '../context';
import { drawDemoPicture, type DemoPicture } from './demo-images';

interface DemoProduct {
  name: string;
  description: string;
  category: string;
  pictures: DemoPicture[];
  priceFen?: number;
  stock?: number;
  specs?: { name: string; values: string[] }[];
  /** Per combination (keyed "白/M"): price, stock and which picture (index into `pictures`). */
  sku?: (specs: Record<string, string>) => { priceFen: number; stock: number; picture?: number };
}

export const DEMO_CATEGORIES = ['茶叶', '茶具', '点心', '服饰'];

const warm: [string, string] = ['#fbf3e4', '#f1e2c6'];
const mint: [string, string] = ['#eef7f0', '#d7ecdd'];
const sky: [string, string] = ['#eef4fa', '#d6e4f1'];

export const DEMO_PRODUCTS: DemoProduct[] = [
  {
    name: '明前龙井 罐装 100g',
    description: '杭州西湖产区，清明前采摘，豆香清雅。',
    category: '茶叶',
    pictures: [{ drawing: 'tin', color: '#3c8d5a', backdrop: mint }],
    priceFen: 6800,
    stock: 50,
  },
  {
    name: '正山小种 红茶 150g',
    description: '武夷山桐木关，松烟香，适合冬日。',
    category: '茶叶',
    pictures: [{ drawing: 'tin', color: '#a23b2c', backdrop: warm }],
    priceFen: 5800,
    stock: 40,
  },
  {
    name: '白瓷盖碗 150ml',
    description: '德化白瓷，薄胎，出汤利落。',
    category: '茶具',
    pictures: [{ drawing: 'bowl', color: '#7fb5c9', backdrop: sky }],
    priceFen: 8800,
    stock: 20,
  },
  {
    name: '粗陶侧把壶',
    description: '柴烧粗陶，手工拉坯，容量 220ml。',
    category: '茶具',
    pictures: [{ drawing: 'teapot', color: '#8a5a3c', backdrop: warm }],
    priceFen: 12800,
    stock: 8,
  },
  {
    name: '玻璃公道杯',
    description: '耐热高硼硅玻璃，带滤网。',
    category: '茶具',
    pictures: [{ drawing: 'pitcher', color: '#cfe6ef', backdrop: sky }],
    priceFen: 3900,
    stock: 30,
  },
  {
    name: '桂花糕 6 枚装',
    description: '糯米与新鲜桂花，甜而不腻。',
    category: '点心',
    pictures: [{ drawing: 'cake', color: '#f6e7b0', backdrop: warm }],
    priceFen: 2500,
    stock: 60,
  },
  {
    name: '芝麻酥 200g',
    description: '黑芝麻现烤，配茶正好。',
    category: '点心',
    pictures: [{ drawing: 'crisp', color: '#e2b36b', backdrop: warm }],
    priceFen: 1800,
    stock: 0,
  },
  {
    name: '纯棉茶人 T 恤',
    description: '230g 精梳棉，宽松版型。',
    category: '服饰',
    pictures: [
      { drawing: 'tshirt', color: '#fafafa', backdrop: sky },
      { drawing: 'tshirt', color: '#2b2d31', backdrop: mint },
    ],
    specs: [
      { name: '颜色', values: ['白色', '黑色'] },
      { name: '尺码', values: ['S', 'M', 'L'] },
    ],
    sku: (s) => ({ priceFen: s['尺码'] === 'L' ? 6900 : 5900, stock: s['尺码'] === 'M' ? 12 : 5, picture: s['颜色'] === '黑色' ? 1 : 0 }),
  },
];

const MARKER = 'demo-catalog';

interface SeedDeps {
  services: Pick<Services, 'models' | 'tokens'>;
  db: Connection;
  logger: Logger;
  /** The API's own origin, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** The owner the seed acts as (the bootstrap administrator). */
  owner: string;
}

/** Seeds the demo shop if the catalog is empty (or a seed was cut short); answers what it did. */
export async function seedDemoCatalog(deps: SeedDeps): Promise<'seeded' | 'skipped'> {
  const markers = deps.db.collection<{ _id: string; state: 'running' | 'done'; at: Date }>('devseeds');
  const marker = await markers.findOne({ _id: MARKER });
  if (marker?.state === 'done') return 'skipped';
  if (!marker) {
    if (await deps.services.models.Product.exists({})) return 'skipped';
    // One seeder: a second start racing this one meets the duplicate _id and leaves it alone.
    const claimed = await markers.insertOne({ _id: MARKER, state: 'running', at: new Date() }).then(
      () => true,
      () => false,
    );
    if (!claimed) return 'skipped';
  }
  const api = await ownerClient(deps);

  const categories = new Map((await api<{ items: { id: string; name: string }[] }>('GET', '/api/categories')).items.map((c) => [c.name, c.id]));
  for (const [i, name] of DEMO_CATEGORIES.entries()) {
    if (!categories.has(name)) categories.set(name, (await api<{ id: string }>('POST', '/api/admin/categories', { name, sort: (i + 1) * 10 })).id);
  }
  const existing = new Set((await api<{ items: { name: string }[] }>('GET', '/api/admin/products?pageSize=500')).items.map((p) => p.name));
  for (const product of DEMO_PRODUCTS) {
    if (existing.has(product.name)) continue;
    const images: string[] = [];
    for (const picture of product.pictures) images.push((await upload(deps, api.token, await drawDemoPicture(picture))).id);
    await api('POST', '/api/admin/products', productInput(product, images, categories.get(product.category)));
  }
  await markers.updateOne({ _id: MARKER }, { $set: { state: 'done', at: new Date() } });
  deps.logger.info({ products: DEMO_PRODUCTS.length, categories: DEMO_CATEGORIES.length }, 'demo shop seeded (development, empty catalog)');
  return 'seeded';
}

function productInput(p: DemoProduct, images: string[], categoryId: string | undefined): Record<string, unknown> {
  const base = { name: p.name, description: p.description, images, ...(categoryId ? { categoryId } : {}) };
  if (!p.specs || !p.sku) return { ...base, priceFen: p.priceFen, stock: p.stock };
  const combos = p.specs.reduce<Record<string, string>[]>((acc, s) => acc.flatMap((c) => s.values.map((v) => ({ ...c, [s.name]: v }))), [{}]);
  const skus = combos.map((specs) => {
    const { picture, ...rest } = p.sku!(specs);
    return { specs, ...rest, ...(picture !== undefined && images[picture] ? { image: images[picture] } : {}) };
  });
  return { ...base, specs: p.specs, skus };
}

type Client = (<T = unknown>(method: string, path: string, body?: unknown) => Promise<T>) & { token: string };

/** Calls of the API as its owner (a session token issued for the bootstrap administrator). */
async function ownerClient(deps: SeedDeps): Promise<Client> {
  const admin = await deps.services.models.Admin.findOne({ username: deps.owner }).lean();
  if (!admin) throw new Error(`no administrator ${deps.owner} to seed the demo shop as`);
  const token = await deps.services.tokens.issue({
    kind: 'admin',
    adminId: String(admin._id),
    username: admin.username,
    role: 'owner',
    tokenVersion: admin.tokenVersion ?? 0,
  });
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${deps.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`demo seed: ${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return Object.assign(call, { token });
}

async function upload(deps: SeedDeps, token: string, png: Buffer): Promise<{ id: string }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'demo.png');
  const res = await fetch(`${deps.baseUrl}/api/admin/images`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 201) throw new Error(`demo seed: upload → ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

// The catalog at shop size: product lists and search over 10,000 products, measured against bare
// `GET /api/health` in the same run, so the ratios compare like with like on any machine. The products are
// written straight into the database (the API would take minutes to create them one by one); the load goes
// through HTTP to the API process as a shopper's would.
import { Types } from 'mongoose';
import type { Models } from '../src/collections';
import { call } from '../test/harness';

export interface CatalogBenchOptions {
  /** Products seeded (default 10,000). */
  products?: number;
  /** Requests per measured call (default 400). */
  requests?: number;
  /** Requests in flight at once (default 8, as the rest of the bench). */
  concurrency?: number;
  /** The shop's page size (default 20, as the mini program asks). */
  pageSize?: number;
}

export interface CatalogFigure {
  label: string;
  path: string;
  p50: number;
  p99: number;
  perSecond: number;
  /** perSecond / health's perSecond in this run. */
  ratioToHealth: number;
  /** What the first answer counted (total), to show the query found what it should. */
  total?: number;
}

const CATEGORIES = ['茶叶', '茶具', '点心', '礼盒', '干果'];
const WORDS = ['明前', '高山', '手工', '精选', '特级', '传统', '新品', '老树', '有机', '限量'];
const KINDS = ['龙井茶', '乌龙茶', '普洱茶', '白茶', '红茶', '绿茶', '茶杯', '茶壶', '月饼', '核桃'];
/** Appears in exactly one product's name: a search that finds one row among 10,000. */
const RARE = 'XD-RARE-7319';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function measure(apiUrl: string, path: string, requests: number, concurrency: number): Promise<{ latencies: number[]; perSecond: number; total?: number }> {
  const latencies: number[] = [];
  let total: number | undefined;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        const t0 = performance.now();
        const res = await call(apiUrl, 'GET', path);
        latencies.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        total ??= (res.body as { total?: number }).total;
      }
    }),
  );
  return { latencies, perSecond: (requests * 1000) / (performance.now() - started), total };
}

/**
 * Seeds `products` products without specs (one SKU each, as the API writes them) over five categories, straight
 * into the database; every twentieth is off the shelf. Each call adds as many again: run it once per database.
 */
async function seedCatalog(models: Models, products: number): Promise<string[]> {
  const now = Date.now();
  const categoryIds = CATEGORIES.map(() => new Types.ObjectId());
  await models.Category.insertMany(CATEGORIES.map((name, i) => ({ _id: categoryIds[i], name, sort: i, products: 0, createdAt: new Date(now) })));
  const BATCH = 1_000;
  for (let from = 0; from < products; from += BATCH) {
    const productDocs = [];
    const skuDocs = [];
    for (let i = from; i < Math.min(products, from + BATCH); i++) {
      const _id = new Types.ObjectId();
      const priceFen = 500 + ((i * 37) % 20_000);
      const stock = 1 + (i % 50);
      // Spread over time, newest last, like a shop's history.
      const createdAt = new Date(now - (products - i) * 60_000);
      const name = i === Math.floor(products / 2) + 1 ? `${WORDS[i % WORDS.length]}${KINDS[i % KINDS.length]} ${RARE}` : `${WORDS[i % WORDS.length]}${KINDS[(i * 7) % KINDS.length]} ${i}号`;
      productDocs.push({
        _id,
        name,
        description: '',
        priceFen,
        summarySeq: 0,
        summaryTicket: 0,
        images: [],
        categoryId: categoryIds[i % categoryIds.length],
        specs: [],
        onShelf: i % 20 !== 0,
        createdAt,
        updatedAt: createdAt,
      });
      skuDocs.push({ _id, productId: _id, position: 0, priceFen, stock, reservations: [], createdAt, updatedAt: createdAt });
    }
    await models.Sku.insertMany(skuDocs);
    await models.Product.insertMany(productDocs);
  }
  for (const [i, id] of categoryIds.entries()) {
    await models.Category.updateOne({ _id: id }, { $set: { products: Math.ceil((products - i) / categoryIds.length) } });
  }
  return categoryIds.map(String);
}

/**
 * `pnpm bench`'s catalog section. Seeds the products, then measures, each `requests` times `concurrency` at a time:
 * bare `GET /api/health` (the yardstick), the shop's first page, a category's page, a search for a common
 * substring ("茶", in about half the names) and for a rare one (one product). Prints p50, p99 and requests/s as a
 * ratio to health, and answers the figures. `target` is the API's URL and the API's models on a connection of
 * the bench (the Stack of stack.ts fits). Run it last: the products stay in the database.
 */
export async function benchCatalog(target: { apiUrl: string; models: Models }, options: CatalogBenchOptions = {}): Promise<CatalogFigure[]> {
  const products = options.products ?? 10_000;
  const requests = options.requests ?? 400;
  const concurrency = options.concurrency ?? 8;
  const pageSize = options.pageSize ?? 20;
  const seeding = performance.now();
  const categories = await seedCatalog(target.models, products);
  const seededMs = performance.now() - seeding;

  const paths: [string, string][] = [
    ['GET /api/health (yardstick)', '/api/health'],
    ['first page', `/api/products?page=1&pageSize=${pageSize}`],
    ['a category, page 2', `/api/products?categoryId=${categories[1]}&page=2&pageSize=${pageSize}`],
    ['search a common substring (茶)', `/api/products?q=${encodeURIComponent('茶')}&page=1&pageSize=${pageSize}`],
    ['search a rare substring', `/api/products?q=${encodeURIComponent(RARE.toLowerCase())}&page=1&pageSize=${pageSize}`],
  ];
  // One round of each first: the first requests pay for connections and the engine's first index walks.
  for (const [, path] of paths) await measure(target.apiUrl, path, concurrency, concurrency);
  const figures: CatalogFigure[] = [];
  let health = 0;
  for (const [label, path] of paths) {
    const run = await measure(target.apiUrl, path, requests, concurrency);
    if (path === '/api/health') health = run.perSecond;
    figures.push({
      label,
      path,
      p50: percentile(run.latencies, 50),
      p99: percentile(run.latencies, 99),
      perSecond: run.perSecond,
      ratioToHealth: run.perSecond / health,
      ...(run.total !== undefined ? { total: run.total } : {}),
    });
  }

  console.log(`\nCatalog: ${products.toLocaleString('en')} products in ${CATEGORIES.length} categories (seeded in ${(seededMs / 1000).toFixed(1)} s), pages of ${pageSize}, ${requests} requests each, ${concurrency} at a time`);
  for (const f of figures) {
    const found = f.total !== undefined ? `, total ${f.total}` : '';
    console.log(`${f.label.padEnd(40)} p50 ${f.p50.toFixed(1).padStart(6)} ms  p99 ${f.p99.toFixed(1).padStart(6)} ms  ${f.perSecond.toFixed(0).padStart(5)}/s  ratio to health ${f.ratioToHealth.toFixed(3)}${found}`);
  }
  return figures;
}

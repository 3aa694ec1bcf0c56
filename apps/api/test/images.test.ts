// Image uploads and serving, through HTTP against the real API, the embedded database (GridFS) and sharp.
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachImages, imageIdOf, imageUrl } from '../src/modules/images/attach-images';
import { GRIDFS_BUCKET } from '../src/modules/images/image-store';
import { runOrphanImages } from '../src/modules/images/orphan-images-job';
import { adminToken, call, shopperToken, startWorld, type World } from './harness';

const UPLOADS_PER_DAY = 3;
let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld({ env: { SHOPPER_IMAGE_UPLOADS_PER_DAY: String(UPLOADS_PER_DAY) } });
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

interface Upload {
  status: number;
  body: any;
  headers: Headers;
}

/** Posts `bytes` as the multipart field `file`, named and typed as a browser would (the API must not believe either). */
async function upload(bytes: Buffer, options: { token?: string; path?: string; filename?: string; type?: string } = {}): Promise<Upload> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: options.type ?? 'image/jpeg' }), options.filename ?? 'photo.jpg');
  const res = await fetch(`${world.api.url}${options.path ?? '/api/admin/images'}`, {
    method: 'POST',
    headers: options.token === '' ? {} : { authorization: `Bearer ${options.token ?? admin}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${world.api.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** A photo-like JPEG: noise compresses badly, so it has plenty of entropy-coded data to cut into. */
async function noiseJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const solid = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: channels === 4 ? { r: 200, g: 30, b: 30, alpha: 0.5 } : '#c83' } });

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A valid tiny PNG whose header is rewritten to declare width×height (with a correct CRC): a decompression bomb's shape. */
async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await solid(1, 1).png().toBuffer());
  // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4), …, CRC over type+data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  const length = png.readUInt32BE(8);
  png.writeUInt32BE(crc32(png.subarray(12, 16 + length)), 16 + length);
  return png;
}

/** The refusal expected, and why (the message says which check refused it, so a test cannot pass by another). */
function refusal(res: Upload, status: number, code: string, why: RegExp = /./): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(res.body.error.message).toMatch(why);
}

describe('uploads refused', () => {
  it('refuses a text file named photo.jpg and sent as image/jpeg (judged by its bytes)', async () => {
    refusal(await upload(Buffer.from('hello, this is not a picture at all\n'.repeat(20)), { filename: 'photo.jpg', type: 'image/jpeg' }), 400, 'UNSUPPORTED_IMAGE', /Only JPEG, PNG and WebP/);
  });

  it('refuses a truncated JPEG (its start is a valid JPEG)', async () => {
    const jpeg = await noiseJpeg(800, 600);
    expect((await sharp(jpeg).metadata()).format).toBe('jpeg');
    refusal(await upload(jpeg.subarray(0, Math.floor(jpeg.length * 0.6))), 400, 'UNSUPPORTED_IMAGE', /decoded completely/);
  });

  it('refuses a truncated PNG', async () => {
    const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .png()
      .toBuffer();
    refusal(await upload(png.subarray(0, Math.floor(png.length * 0.7)), { filename: 'a.png', type: 'image/png' }), 400, 'UNSUPPORTED_IMAGE', /decoded completely/);
  });

  it('refuses a file over 5 MB with 413 TOO_LARGE', async () => {
    const big = Buffer.concat([await noiseJpeg(64, 64), Buffer.alloc(5 * 1024 * 1024 + 1, 7)]);
    refusal(await upload(big), 413, 'TOO_LARGE');
  });

  it('cuts a streamed (chunked, no Content-Length) upload at 5 MB with 413 TOO_LARGE', async () => {
    const boundary = 'xd-boundary-7d1f';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 1);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        // 8 MB of file, then the closing boundary: the server must stop keeping bytes at 5 MB.
        if (sent < 32) controller.enqueue(chunk);
        else {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
        }
        sent++;
      },
    });
    const res = await fetch(`${world.api.url}/api/admin/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.headers.get('content-length')).not.toBeNull();
    refusal({ status: res.status, body: await res.json(), headers: res.headers }, 413, 'TOO_LARGE');
  });

  it('refuses a tiny PNG declaring 30000×30000 pixels (a decompression bomb)', async () => {
    const bomb = await pngDeclaring(30_000, 30_000);
    expect(bomb.length).toBeLessThan(200);
    const meta = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect([meta.width, meta.height]).toEqual([30_000, 30_000]);
    refusal(await upload(bomb, { filename: 'bomb.png', type: 'image/png' }), 400, 'UNSUPPORTED_IMAGE', /Too many pixels/);
  });

  it('refuses a GIF and an SVG', async () => {
    const gif = await solid(16, 16).gif().toBuffer();
    refusal(await upload(gif, { filename: 'a.gif', type: 'image/gif' }), 400, 'UNSUPPORTED_IMAGE');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    refusal(await upload(svg, { filename: 'a.svg', type: 'image/svg+xml' }), 400, 'UNSUPPORTED_IMAGE');
    refusal(await upload(svg, { filename: 'a.jpg', type: 'image/jpeg' }), 400, 'UNSUPPORTED_IMAGE');
  });

  it('refuses a body that is not multipart, or has no field "file"', async () => {
    const json = await call(world.api.url, 'POST', '/api/admin/images', { token: admin, body: { file: 'x' } });
    expect({ status: json.status, code: json.body.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const form = new FormData();
    form.append('photo', new Blob([await noiseJpeg(10, 10)]), 'a.jpg');
    const res = await fetch(`${world.api.url}/api/admin/images`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('VALIDATION_FAILED');
  });

  it('stores nothing for a refused upload', async () => {
    const models = world.api.instance.services.models;
    const before = await models.Image.countDocuments();
    await upload(Buffer.from('not an image'));
    expect(await models.Image.countDocuments()).toBe(before);
  });
});

describe('uploads kept', () => {
  it('answers 201 {id, url, width, height}, capping the original at 1600 px', async () => {
    const res = await upload(await noiseJpeg(2400, 1200));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), url: `/api/images/${res.body.id}`, width: 1600, height: 800 });
    expect(imageUrl(res.body.id)).toBe(res.body.url);
    expect(imageIdOf(res.body.url)).toBe(res.body.id);
  });

  it('strips EXIF (GPS included) and turns the photo upright first', async () => {
    const withGps = await solid(200, 100)
      .withExif({
        IFD0: { Copyright: 'xd-secret-spot', Make: 'XiaodianCam' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 32/1 4567/100', GPSLongitudeRef: 'E', GPSLongitude: '113/1 56/1 0/1' },
      })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const sent = await sharp(withGps).metadata();
    expect(sent.orientation).toBe(6);
    // The GPS IFD pointer (tag 0x8825, little-endian in libvips's EXIF) is in what we send.
    expect(sent.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);
    const res = await upload(withGps);
    expect(res.status).toBe(201);
    // Orientation 6 is a quarter turn: the upright picture is 100 wide, 200 high.
    expect([res.body.width, res.body.height]).toEqual([100, 200]);
    for (const path of [res.body.url, `${res.body.url}/medium`, `${res.body.url}/thumb`]) {
      for (const accept of ['image/jpeg', 'image/webp']) {
        const served = await get(path, { accept });
        expect(served.status).toBe(200);
        const meta = await sharp(served.bytes).metadata();
        expect(meta.exif).toBeUndefined();
        expect(meta.orientation).toBeUndefined();
        expect(served.bytes.includes(Buffer.from('xd-secret-spot'))).toBe(false);
        expect(served.bytes.includes(Buffer.from('XiaodianCam'))).toBe(false);
      }
    }
  });

  it('serves three sizes, as WebP when Accept says so (Vary: Accept), else in the original format', async () => {
    const { body } = await upload(await noiseJpeg(2000, 1500));
    const widths = { '': 1600, '/medium': 750, '/thumb': 300 };
    for (const [suffix, width] of Object.entries(widths)) {
      const plain = await get(`${body.url}${suffix}`, { accept: 'image/jpeg,image/*;q=0.8' });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toBe('image/jpeg');
      expect(plain.headers.get('vary')).toMatch(/accept/i);
      expect(await sharp(plain.bytes).metadata()).toMatchObject({ format: 'jpeg', width, height: Math.round((width * 3) / 4) });
      const webp = await get(`${body.url}${suffix}`, { accept: 'image/avif,image/webp,*/*' });
      expect(webp.headers.get('content-type')).toBe('image/webp');
      expect(await sharp(webp.bytes).metadata()).toMatchObject({ format: 'webp', width });
      expect(webp.headers.get('etag')).not.toBe(plain.headers.get('etag'));
      const refused = await get(`${body.url}${suffix}`, { accept: 'image/webp;q=0, image/*' });
      expect(refused.headers.get('content-type')).toBe('image/jpeg');
    }
  });

  it('keeps a PNG with transparency as PNG (and a WebP upload by its alpha)', async () => {
    const png = await upload(await solid(500, 400, 4).png().toBuffer(), { filename: 'a.png', type: 'image/png' });
    expect(png.status).toBe(201);
    const served = await get(`${png.body.url}/medium`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(await sharp(served.bytes).metadata()).toMatchObject({ format: 'png', width: 500, hasAlpha: true });
    const opaqueWebp = await upload(await noiseJpeg(300, 200).then((j) => sharp(j).webp().toBuffer()), { filename: 'a.webp', type: 'image/webp' });
    expect(opaqueWebp.status).toBe(201);
    expect((await get(opaqueWebp.body.url)).headers.get('content-type')).toBe('image/jpeg');
    const clearWebp = await upload(await solid(300, 200, 4).webp().toBuffer(), { filename: 'b.webp', type: 'image/webp' });
    expect((await get(clearWebp.body.url)).headers.get('content-type')).toBe('image/png');
  });

  it('is cacheable: strong ETag, a year immutable, 304 on If-None-Match', async () => {
    const { body } = await upload(await noiseJpeg(400, 300));
    const first = await get(`${body.url}/thumb`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const again = await get(`${body.url}/thumb`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get(`${body.url}/thumb`, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await get(`${body.url}/thumb`, { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('serves the very bytes stored in GridFS', async () => {
    const { body } = await upload(await noiseJpeg(900, 700));
    const bucket = new mongoose.mongo.GridFSBucket(world.db.db!, { bucketName: GRIDFS_BUCKET });
    for (const [suffix, name, accept] of [
      ['', 'original', 'image/jpeg'],
      ['/medium', 'medium.webp', 'image/webp'],
    ] as const) {
      const chunks: Buffer[] = [];
      for await (const chunk of bucket.openDownloadStream(`${body.id}/${name}` as never)) chunks.push(chunk as Buffer);
      const stored = Buffer.concat(chunks);
      const served = await get(`${body.url}${suffix}`, { accept });
      expect(stored.length).toBeGreaterThan(0);
      expect(createHash('sha256').update(served.bytes).digest('hex')).toBe(createHash('sha256').update(stored).digest('hex'));
    }
  });

  it('answers 404 for an unknown or malformed id, without a token needed to read', async () => {
    expect((await get(`/api/images/${new mongoose.Types.ObjectId().toHexString()}`)).status).toBe(404);
    expect((await get(`/api/images/${new mongoose.Types.ObjectId().toHexString()}/thumb`)).status).toBe(404);
    expect((await get('/api/images/not-an-id')).status).toBe(404);
    const res = await call(world.api.url, 'GET', '/api/images/not-an-id');
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('who may upload', () => {
  it('takes admin uploads on /api/admin/images and shoppers on /api/images, each refusing the other token', async () => {
    const shopper = await shopperToken(world, 'image-auth');
    const jpeg = await noiseJpeg(50, 50);
    expect((await upload(jpeg, { token: '' })).status).toBe(401);
    expect((await upload(jpeg, { token: '', path: '/api/images' })).status).toBe(401);
    refusal(await upload(jpeg, { token: shopper }), 403, 'FORBIDDEN');
    refusal(await upload(jpeg, { token: admin, path: '/api/images' }), 403, 'FORBIDDEN');
    const own = await upload(jpeg, { token: shopper, path: '/api/images' });
    expect(own.status).toBe(201);
    const stored = await world.api.instance.services.models.Image.findById(own.body.id).lean();
    expect(stored?.uploadedBy.kind).toBe('shopper');
  });

  it(`limits a shopper to ${UPLOADS_PER_DAY} uploads a day (429 UPLOAD_LIMIT_REACHED with Retry-After); others are not affected`, async () => {
    const busy = await shopperToken(world, 'image-busy');
    const jpeg = await noiseJpeg(40, 40);
    const answers = await Promise.all(Array.from({ length: UPLOADS_PER_DAY + 2 }, () => upload(jpeg, { token: busy, path: '/api/images' })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(UPLOADS_PER_DAY);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      refusal(r, 429, 'UPLOAD_LIMIT_REACHED');
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(23 * 3600);
      expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    }
    const other = await shopperToken(world, 'image-calm');
    expect((await upload(jpeg, { token: other, path: '/api/images' })).status).toBe(201);
    // Admins upload product photos without a daily limit.
    for (let i = 0; i < UPLOADS_PER_DAY + 1; i++) expect((await upload(jpeg)).status).toBe(201);
  });
});

describe('attaching and the orphan job', () => {
  it('attachImages takes ids or urls and refuses, naming it, one that is not an uploaded image', async () => {
    const models = world.api.instance.services.models;
    const a = (await upload(await noiseJpeg(60, 60))).body;
    const b = (await upload(await noiseJpeg(60, 60))).body;
    const unknown = new mongoose.Types.ObjectId().toHexString();
    await expect(attachImages(models, [a.id, unknown])).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400, message: expect.stringContaining(unknown) });
    await expect(attachImages(models, ['https://example.com/cat.jpg'])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await attachImages(models, [a.id, `${b.url}/medium`]);
    const attached = await models.Image.find({ _id: { $in: [a.id, b.id] } }).lean();
    expect(attached.map((i) => i.attachedTo)).toEqual([['product'], ['product']]);
  });

  it('deletes images never attached after 24 h, record and files, and keeps attached ones', async () => {
    const services = world.api.instance.services;
    const kept = (await upload(await noiseJpeg(120, 90))).body;
    const orphan = (await upload(await noiseJpeg(120, 90))).body;
    await attachImages(services.models, [kept.url]);
    const files = world.db.collection(`${GRIDFS_BUCKET}.files`);
    const chunks = world.db.collection(`${GRIDFS_BUCKET}.chunks`);
    expect(await files.countDocuments({ _id: { $regex: `^${orphan.id}/` } } as never)).toBe(6);

    // Not yet a day old: nothing happens.
    await runOrphanImages(services, new Date(Date.now() + 23 * 3600_000));
    expect((await get(orphan.url)).status).toBe(200);

    const deleted = await runOrphanImages(services, new Date(Date.now() + 25 * 3600_000), 1000);
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect((await get(orphan.url)).status).toBe(404);
    expect((await get(`${orphan.url}/thumb`)).status).toBe(404);
    expect(await services.models.Image.countDocuments({ _id: orphan.id })).toBe(0);
    expect(await files.countDocuments({ _id: { $regex: `^${orphan.id}/` } } as never)).toBe(0);
    const fileIds = (await files.find({}).toArray()).map((f) => f._id);
    expect(await chunks.countDocuments({ files_id: { $nin: fileIds } })).toBe(0);

    expect((await get(kept.url)).status).toBe(200);
    expect(await files.countDocuments({ _id: { $regex: `^${kept.id}/` } } as never)).toBe(6);
    // An orphan deleted cannot be attached any more.
    await expect(attachImages(services.models, [orphan.id])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses to attach an image being deleted, and finishes a deletion an instance left half-way', async () => {
    const services = world.api.instance.services;
    const late = (await upload(await noiseJpeg(80, 60))).body;
    const later = new Date(Date.now() + 25 * 3600_000);
    // Another instance claimed it and died before deleting anything.
    await services.models.Image.updateOne({ _id: late.id }, { $set: { deletingAt: new Date(later.getTime() - 11 * 60_000) } });
    await expect(attachImages(services.models, [late.url])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await get(late.url)).status).toBe(200);
    expect(await runOrphanImages(services, later)).toBe(1);
    expect((await get(late.url)).status).toBe(404);
    expect(await world.db.collection(`${GRIDFS_BUCKET}.files`).countDocuments({ _id: { $regex: `^${late.id}/` } } as never)).toBe(0);
  });
});

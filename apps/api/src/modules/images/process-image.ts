// Turns an uploaded file into the files the API serves: judged by its bytes, decoded in full (a truncated file is
// refused, not half-shown), turned upright, stripped of every metadata block (EXIF with GPS, XMP, comments) by
// re-encoding, and written at three sizes, each in its fallback format and as WebP.
import sharp, { type Sharp } from 'sharp';
import { AppError } from '../../errors';
import type { ImageSize } from './model';

/** The largest upload taken (the contract's 5 MB). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/**
 * Pixels a decoded upload may have: 50 MP holds any phone photo, while a decompression bomb (a few KB of PNG
 * declaring 30000×30000) is refused from its header, before anything is decoded.
 */
export const MAX_INPUT_PIXELS = 50_000_000;

/** Longest side of the stored original, and the widths of the smaller sizes. */
const ORIGINAL_MAX_SIDE = 1600;
const WIDTH_OF: Record<Exclude<ImageSize, 'original'>, number> = { medium: 750, thumb: 300 };

export type SourceFormat = 'jpeg' | 'png' | 'webp';
/** What is served to a client that does not accept WebP. */
export type FallbackFormat = 'jpeg' | 'png';

export interface ProcessedFile {
  /** `<size>` (fallback format) or `<size>.webp`. */
  name: string;
  contentType: string;
  data: Buffer;
}

export interface ProcessedImage {
  /** The stored original's size. */
  width: number;
  height: number;
  files: ProcessedFile[];
}

const unsupported = (message: string) => new AppError('UNSUPPORTED_IMAGE', { status: 400, message });

/** The format the bytes say (never the file name or the declared type): JPEG, PNG or WebP, else undefined. */
export function sniffImageFormat(bytes: Buffer): SourceFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/**
 * `failOn: 'error'` makes libvips refuse truncated and corrupt data instead of padding it with grey; the pixel
 * limit is checked against the header before decoding.
 */
const DECODE_OPTIONS = { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS } as const;

/**
 * Images processed at once by this instance. Each sharp pipeline holds a libuv thread-pool thread (the pool also
 * runs password hashing, file and DNS work) and libvips uses every core: two at a time keep a burst of uploads
 * from starving the rest of the API; the others wait their turn (within the request's 30 s).
 */
const MAX_PROCESSING = 2;
let processing = 0;
const waiting: (() => void)[] = [];

async function withProcessingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (processing < MAX_PROCESSING) processing++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter, or is given back.
    const next = waiting.shift();
    if (next) next();
    else processing--;
  }
}

export async function processImage(bytes: Buffer): Promise<ProcessedImage> {
  return withProcessingSlot(() => processNow(bytes));
}

async function processNow(bytes: Buffer): Promise<ProcessedImage> {
  const format = sniffImageFormat(bytes);
  if (!format) throw unsupported('Only JPEG, PNG and WebP images are accepted');
  // The header alone (nothing decoded yet), without sharp's pixel limit so that a bomb is named as one.
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  if (!meta || meta.format !== format || !meta.width || !meta.height) throw unsupported(`Not a readable ${format.toUpperCase()} image`);
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw unsupported(`Too many pixels (at most ${MAX_INPUT_PIXELS})`);
  const fallback: FallbackFormat = format === 'png' || (format === 'webp' && meta.hasAlpha) ? 'png' : 'jpeg';

  // One full decode: upright, capped, 8-bit sRGB pixels. Every stored file is encoded from these, so nothing of
  // the upload but its pixels reaches them.
  const decoded = await sharp(bytes, DECODE_OPTIONS)
    .autoOrient()
    .resize({ width: ORIGINAL_MAX_SIDE, height: ORIGINAL_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw unsupported(`The image could not be decoded completely (${(err as Error).message.split('\n')[0]})`);
    });
  const { width, height, channels } = decoded.info;
  const pixels = () => sharp(decoded.data, { raw: { width, height, channels } });

  const sizes: [ImageSize, number | undefined][] = [
    ['original', undefined],
    ['medium', WIDTH_OF.medium],
    ['thumb', WIDTH_OF.thumb],
  ];
  // One encode at a time (see MAX_PROCESSING): libvips already spreads each one over the cores.
  const files: ProcessedFile[] = [];
  for (const [size, targetWidth] of sizes) {
    const sized = () => (targetWidth ? pixels().resize({ width: targetWidth, withoutEnlargement: true }) : pixels());
    files.push({ name: size, contentType: `image/${fallback}`, data: await encode(sized(), fallback) });
    files.push({ name: `${size}.webp`, contentType: 'image/webp', data: await encode(sized(), 'webp') });
  }
  return { width, height, files };
}

function encode(image: Sharp, format: FallbackFormat | 'webp'): Promise<Buffer> {
  if (format === 'jpeg') return image.jpeg({ quality: 82, progressive: true }).toBuffer();
  if (format === 'png') return image.png({ compressionLevel: 8 }).toBuffer();
  return image.webp({ quality: 80 }).toBuffer();
}

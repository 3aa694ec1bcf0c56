// Reading images (anyone: product photos are public) and shoppers' uploads (photos for after-sale requests).
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Services } from '../../context';
import { AppError } from '../../errors';
import { requireShopper, shopperOf } from '../../http/auth';
import { hit, secondsUntil } from '../../infra/rate-limit';
import type { ImageSize } from './model';
import { MAX_UPLOAD_BYTES } from './process-image';
import { readUploadedFile } from './read-upload';
import { acceptsWebp, findImageVariant, IMAGE_CACHE_CONTROL, matchesIfNoneMatch, readImageVariant } from './serve-image';
import { uploadImage } from './upload-image';

/** A shopper's uploads are counted per 24 hours from their first one (the upload is not a free file host). */
export const SHOPPER_UPLOAD_WINDOW_MS = 24 * 3600_000;

export function imageRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/images' });

  router.post('/', requireShopper(s.tokens), async (ctx) => {
    const shopper = shopperOf(ctx);
    // Counted before the work it guards, refused or not: decoding is what the limit protects.
    const rate = await hit(s.models, `image-upload:${shopper.userId}`, SHOPPER_UPLOAD_WINDOW_MS);
    if (rate.count > s.config.shopperImageUploadsPerDay) {
      ctx.req.resume(); // the body is not wanted: drain it so the connection can answer
      ctx.set('Retry-After', String(secondsUntil(rate.until)));
      throw new AppError('UPLOAD_LIMIT_REACHED', { status: 429, message: `At most ${s.config.shopperImageUploadsPerDay} images a day` });
    }
    const bytes = await readUploadedFile(ctx, 'file', MAX_UPLOAD_BYTES);
    ctx.status = 201;
    ctx.body = await uploadImage({ models: s.models, store: s.imageStore }, { kind: 'shopper', id: shopper.userId }, bytes);
  });

  const serve = (size: ImageSize) => async (ctx: Context) => {
    const variant = await findImageVariant(s.models, String(ctx.params.id), size, acceptsWebp(ctx.get('accept')));
    // Every size has a WebP twin: caches must keep one answer per Accept.
    ctx.set('Vary', 'Accept');
    ctx.set('ETag', variant.etag);
    ctx.set('Cache-Control', IMAGE_CACHE_CONTROL);
    if (matchesIfNoneMatch(ctx.get('if-none-match'), variant.etag)) {
      ctx.status = 304;
      return;
    }
    ctx.type = variant.contentType;
    ctx.body = await readImageVariant(s.imageStore, variant);
  };
  router.get('/:id', serve('original'));
  router.get('/:id/medium', serve('medium'));
  router.get('/:id/thumb', serve('thumb'));
  return router;
}

// The console's uploads: product photos, attached to a product when it is saved (attachImages).
import Router from '@koa/router';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { MAX_UPLOAD_BYTES } from './process-image';
import { readUploadedFile } from './read-upload';
import { uploadImage } from './upload-image';

export function adminImageRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin/images' });
  router.use(requireAdmin(s.tokens));

  router.post('/', async (ctx) => {
    const bytes = await readUploadedFile(ctx, 'file', MAX_UPLOAD_BYTES);
    ctx.status = 201;
    ctx.body = await uploadImage({ models: s.models, store: s.imageStore }, { kind: 'admin', id: adminOf(ctx).adminId }, bytes);
  });
  return router;
}

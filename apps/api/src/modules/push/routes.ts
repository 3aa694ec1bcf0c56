// WeChat's message push (the mini program's server URL, JSON format): GET answers the URL verification by echoing
// `echostr`; POST takes the pushes, plain or safe mode. A refused push (bad signature, stale, wrong appid) is a 4xx
// and changes nothing; a handled or ignored one answers `success`, which is what stops WeChat pushing it again.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Services } from '../../context';
import { handlePush } from './handle-push';
import { openPush, verifyTokenSignature, type PushQuery } from './verify-push';

function queryOf(ctx: Context): PushQuery {
  const pick = (name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string) : undefined);
  return {
    signature: pick('signature'),
    timestamp: pick('timestamp'),
    nonce: pick('nonce'),
    echostr: pick('echostr'),
    encrypt_type: pick('encrypt_type'),
    msg_signature: pick('msg_signature'),
  };
}

export function pushRoutes(s: Services): Router {
  const router = new Router();

  router.get('/api/wechat/push', (ctx) => {
    const query = queryOf(ctx);
    verifyTokenSignature(s, query);
    ctx.type = 'text/plain';
    ctx.body = query.echostr ?? '';
  });

  router.post('/api/wechat/push', async (ctx) => {
    const query = queryOf(ctx);
    const message = openPush(s, query, ctx.request.body, (ctx.request as { rawBody?: string }).rawBody);
    const outcome = await handlePush(s, message);
    const event = (message as { Event?: unknown }).Event;
    s.logger.info({ event, outcome, safe: query.encrypt_type === 'aes' }, 'wechat push');
    ctx.type = 'text/plain';
    ctx.body = 'success';
  });
  return router;
}

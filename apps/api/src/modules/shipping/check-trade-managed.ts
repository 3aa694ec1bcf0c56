// Whether the mini program is under WeChat's shipping management (is_trade_managed). Asked once and kept in
// the database for every instance for a few hours: it changes only when the shop joins or leaves.
import type { Services } from '../../context';
import { callWithAccessToken } from '../wechat/access-token';

export const TRADE_MANAGED_TTL_MS = 6 * 3600_000;

export async function isTradeManaged(s: Services, now = new Date()): Promise<boolean> {
  const appid = s.config.wechat.appid;
  const cached = await s.models.TradeManaged.findById(appid).lean<{ managed: boolean; until: Date }>();
  if (cached && cached.until > now) return cached.managed;
  const answer = await callWithAccessToken<{ is_trade_managed?: boolean }>(s, '/wxa/sec/order/is_trade_managed', { appid });
  const managed = answer.is_trade_managed === true;
  await s.models.TradeManaged.updateOne(
    { _id: appid },
    { $set: { managed, checkedAt: now, until: new Date(now.getTime() + TRADE_MANAGED_TTL_MS) } },
    { upsert: true },
  );
  return managed;
}

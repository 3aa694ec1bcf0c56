import type { OrderMessage } from '@xiaodian/shared';
import { iso } from '../../iso-time';
import type { MessageDoc } from './model';

/** oAbC…xYz9: enough to tell recipients apart in the console, not a usable openid. */
export function maskOpenid(openid: string): string {
  return openid.length <= 8 ? '…' : `${openid.slice(0, 4)}…${openid.slice(-4)}`;
}

export function toOrderMessage(m: MessageDoc): OrderMessage {
  return {
    id: m._id,
    event: m.event,
    openid: maskOpenid(m.openid),
    ...(m.templateId ? { templateId: m.templateId } : {}),
    status: m.status as OrderMessage['status'],
    ...(typeof m.errcode === 'number' ? { errcode: m.errcode } : {}),
    attempts: m.attempts ?? 0,
    ...(m.sentAt ? { sentAt: iso(m.sentAt)! } : {}),
    ...(m.lastError ? { lastError: m.lastError } : {}),
  };
}

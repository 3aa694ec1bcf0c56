// Subscribe messages (一次性订阅消息) and the owner's WeChat binding: the wire shapes of the messages feature.
import { z } from 'zod';

/** PENDING: queued or being retried; SENT: WeChat accepted it; FAILED: refused for good (errcode) or given up; SKIPPED: its template is not configured. */
export const MESSAGE_STATUSES = ['PENDING', 'SENT', 'FAILED', 'SKIPPED'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** One subscribe message of an order, as the admin order detail lists it. */
export interface OrderMessage {
  id: string;
  /** The outbox event it reports: PAID, SHIPPED, REFUNDED, OWNER_ORDER, OWNER_AFTERSALE, OWNER_REMIND_SHIPPING. */
  event: string;
  /** The recipient's openid, masked (`oAbC…xYz9`). */
  openid: string;
  templateId?: string;
  status: MessageStatus;
  /** WeChat's errcode when it refused the message (43101: the shopper did not allow it, or used it up). */
  errcode?: number;
  attempts: number;
  sentAt?: string;
  lastError?: string;
}

/** `GET /api/subscribe-templates`: the template ids to pass to `wx.requestSubscribeMessage`; unset ones are absent. */
export interface SubscribeTemplates {
  paid?: string;
  shipped?: string;
  refunded?: string;
  ownerOrder?: string;
  ownerAfterSale?: string;
}

/** `POST /api/wechat-binding`: the 6-digit code the console showed. */
export const wechatBindingInput = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'must be 6 digits') });

/** `PATCH /api/admin/me`: whether this account receives the owner's messages (new orders, after-sale requests). */
export const adminMePatchInput = z.object({ notify: z.boolean() }).strict();

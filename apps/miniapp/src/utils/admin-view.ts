// How things read in the admin console: labels for the API's states, Beijing dates, times, and the daily
// sales chart (an SVG picture built here, so it is a pure function the tests can read).
import { fenToYuan, type AdminRole } from '@xiaodian/shared';

/** The console's sections: each is a page `pages/admin/<section>` and a link of the navigation. */
export type AdminSection = 'dashboard' | 'orders' | 'after-sales' | 'products' | 'categories' | 'anomalies' | 'reconciliation' | 'staff' | 'store' | 'shipping-templates';

/** Sections only some roles may open (absent: every signed-in admin). The API refuses the rest anyway (403). */
const SECTION_ROLES: Partial<Record<AdminSection, AdminRole>> = { staff: 'owner', store: 'owner', 'shipping-templates': 'owner' };

/**
 * Whether a role may open a section: its navigation link is shown and its page loads only then; otherwise the
 * page shows 无权限 and nothing else. An unknown role (a stored session before `GET /me` answered) may open
 * only the sections every role may.
 */
export function canOpenSection(section: AdminSection, role: AdminRole | undefined): boolean {
  const needed = SECTION_ROLES[section];
  return !needed || role === needed;
}

export type Tone = 'ok' | 'wait' | 'off' | 'bad' | 'info';

export interface Label {
  text: string;
  tone: Tone;
}

function labelOf(table: Record<string, Label>, key: string | undefined): Label {
  return (key && table[key]) || { text: key ?? '—', tone: 'off' };
}

/**
 * A product's three stock figures as the console shows them: 现货 on hand (what a count finds, the figure a stock
 * edit sets), 已预留 held by unpaid orders, 可售 available (= on hand − reserved; the shop's `stock`). A product
 * from an older API without the admin figures reads as nothing reserved.
 */
export function stockFiguresOf(p: { stock: number; reservedStock?: number; onHandStock?: number }): {
  onHand: number;
  reserved: number;
  available: number;
} {
  const reserved = p.reservedStock ?? Math.max(0, (p.onHandStock ?? p.stock) - p.stock);
  return { onHand: p.onHandStock ?? p.stock + reserved, reserved, available: p.stock };
}

export const ROLE_LABELS: Record<AdminRole, string> = { owner: '店主', staff: '店员' };

const REFUND_STATUS: Record<string, Label> = {
  PENDING: { text: '待发送', tone: 'wait' },
  PROCESSING: { text: '退款中', tone: 'wait' },
  SUCCESS: { text: '退款成功', tone: 'ok' },
  CLOSED: { text: '已关闭', tone: 'off' },
  ABNORMAL: { text: '退款异常', tone: 'bad' },
};
export const refundStatusLabel = (s: string | undefined) => labelOf(REFUND_STATUS, s);

const ANOMALY_KIND: Record<string, Label> = {
  AMOUNT_MISMATCH: { text: '金额不符', tone: 'bad' },
  PAID_AFTER_CLOSE: { text: '关单后支付', tone: 'bad' },
  DOUBLE_PAYMENT: { text: '重复支付', tone: 'bad' },
  UNKNOWN_TRADE: { text: '未知交易', tone: 'bad' },
  IDENTITY_MISMATCH: { text: '身份不符', tone: 'bad' },
  REFUND_ABNORMAL: { text: '退款异常', tone: 'bad' },
  REFUND_AMOUNT_MISMATCH: { text: '退款金额不符', tone: 'bad' },
};
export const anomalyKindLabel = (s: string | undefined) => labelOf(ANOMALY_KIND, s);

const ANOMALY_STATUS: Record<string, Label> = {
  OPEN: { text: '待处理', tone: 'bad' },
  AUTO_REFUND: { text: '自动退款中', tone: 'wait' },
  RESOLVED: { text: '已处理', tone: 'ok' },
};
export const anomalyStatusLabel = (s: string | undefined) => labelOf(ANOMALY_STATUS, s);

const NOTIFICATION_OUTCOME: Record<string, Label> = {
  APPLIED: { text: '已受理', tone: 'ok' },
  DUPLICATE: { text: '重复（已处理过）', tone: 'off' },
  IGNORED: { text: '无需处理', tone: 'off' },
  REFUSED: { text: '已拒绝', tone: 'bad' },
  ANOMALY: { text: '记为异常', tone: 'bad' },
};
export const notificationOutcomeLabel = (s: string | undefined) => labelOf(NOTIFICATION_OUTCOME, s);

/** WeChat Pay's notification event types, as the owner reads them (the raw type for one not listed). */
const EVENT_TYPES: Record<string, string> = {
  'TRANSACTION.SUCCESS': '支付成功通知',
  'REFUND.SUCCESS': '退款成功通知',
  'REFUND.ABNORMAL': '退款异常通知',
  'REFUND.CLOSED': '退款关闭通知',
};
export const eventTypeLabel = (t: string): string => EVENT_TYPES[t] ?? t;

const ATTEMPT_STATUS: Record<string, Label> = {
  CREATED: { text: '已创建', tone: 'off' },
  PREPAID: { text: '待支付', tone: 'wait' },
  PAID: { text: '已支付', tone: 'ok' },
  CLOSED: { text: '已关闭', tone: 'off' },
};
export const attemptStatusLabel = (s: string | undefined) => labelOf(ATTEMPT_STATUS, s);

const SHIPPING_UPLOAD: Record<string, Label> = {
  PENDING: { text: '待上传微信', tone: 'wait' },
  DONE: { text: '已上传微信', tone: 'ok' },
  SKIPPED_NOT_MANAGED: { text: '无需上传（未开通发货信息管理）', tone: 'off' },
  FAILED: { text: '上传失败', tone: 'bad' },
};
export const shippingUploadLabel = (s: string | undefined) => labelOf(SHIPPING_UPLOAD, s);

export const LOGISTICS_LABELS: Record<1 | 3 | 4, string> = { 1: '快递', 3: '虚拟商品', 4: '用户自提' };

const DISCREPANCY_KIND: Record<string, Label> = {
  MISSING_LOCALLY: { text: '微信已收款，本店未记为已付', tone: 'bad' },
  MISSING_AT_WECHAT: { text: '本店已付，微信账单中没有', tone: 'bad' },
  AMOUNT_MISMATCH: { text: '金额不符', tone: 'bad' },
  REFUND_MISMATCH: { text: '退款不符', tone: 'bad' },
};
export const discrepancyKindLabel = (s: string | undefined) => labelOf(DISCREPANCY_KIND, s);

const DISCREPANCY_ACTION: Record<string, Label> = {
  HEALED: { text: '已自动修复', tone: 'ok' },
  REFUNDED: { text: '已自动退款', tone: 'info' },
  FLAGGED: { text: '待人工处理', tone: 'bad' },
};
export const discrepancyActionLabel = (s: string | undefined) => labelOf(DISCREPANCY_ACTION, s);

// Audit actions read in Chinese (every action the API writes, and a fallback): see utils/admin-texts.ts.
export { auditActionText as auditActionLabel } from './admin-texts';

// ---- money, dates and times ----

/** 1234 → "¥12.34". */
export const yuan = (fen: number | undefined): string => (typeof fen === 'number' ? `¥${fenToYuan(fen)}` : '—');

// Beijing business days: the same arithmetic as the API's, from the shared package.
export { addDays, beijingDate } from '@xiaodian/shared';

const BEIJING_OFFSET_MS = 8 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** ISO → "2026-05-20 13:29:35" in Beijing time (what WeChat's merchant platform shows too). */
export function formatAdminTime(iso: string | undefined, withSeconds = true): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const d = new Date(t + BEIJING_OFFSET_MS);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return withSeconds ? `${base}:${pad(d.getUTCSeconds())}` : base;
}

// ---- the daily sales chart ----

export interface DailySales {
  date: string;
  paidFen: number;
  orders: number;
  refundedFen: number;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A round axis maximum (1, 2, 2.5 or 5 × 10ⁿ yuan per step, four steps) at or above `maxFen`. */
export function niceAxisMaxFen(maxFen: number): number {
  const stepYuanMin = Math.max(1, maxFen / 100 / 4);
  const magnitude = 10 ** Math.floor(Math.log10(stepYuanMin));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= stepYuanMin - 1e-9)!;
  return Math.round(step * 4 * 100);
}

function axisLabel(fen: number): string {
  const y = fen / 100;
  if (y >= 10_000) return `¥${Number((y / 10_000).toFixed(1))}万`;
  return `¥${Number(y.toFixed(2))}`;
}

/**
 * The last days' sales as an SVG bar chart: paid amount per day (green) and refunds (red), the axis in yuan,
 * every bar with a tooltip. Rendered inline by the dashboard (v-html), so it is a picture, not a table.
 */
export function salesChartSvg(daily: readonly DailySales[], size: { width: number; height: number } = { width: 760, height: 260 }): string {
  const { width, height } = size;
  const left = 56;
  const right = 12;
  const top = 16;
  const bottom = 30;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const maxFen = Math.max(0, ...daily.map((d) => Math.max(d.paidFen, d.refundedFen)));
  const axisMax = niceAxisMaxFen(maxFen);
  const y = (fen: number) => top + plotH - (fen / axisMax) * plotH;
  const slot = daily.length > 0 ? plotW / daily.length : plotW;
  const barW = Math.max(2, slot * 0.62);
  const parts: string[] = [];

  for (let i = 0; i <= 4; i++) {
    const v = (axisMax / 4) * i;
    const gy = y(v).toFixed(1);
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${gy}" y2="${gy}" stroke="${i === 0 ? '#c9cdd4' : '#eef0f3'}" stroke-width="1"/>`);
    parts.push(`<text x="${left - 8}" y="${gy}" dy="4" text-anchor="end" font-size="11" fill="#8a8f99">${escapeXml(axisLabel(v))}</text>`);
  }

  daily.forEach((d, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const tip = escapeXml(`${d.date}  收款 ¥${fenToYuan(d.paidFen)} · ${d.orders} 单 · 退款 ¥${fenToYuan(d.refundedFen)}`);
    const paidH = Math.max(0, top + plotH - y(d.paidFen));
    const isLast = i === daily.length - 1;
    parts.push(
      `<g class="xd-admin-chart-day" data-date="${escapeXml(d.date)}" data-paid-fen="${d.paidFen}"><title>${tip}</title>` +
        `<rect x="${x.toFixed(1)}" y="${top}" width="${barW.toFixed(1)}" height="${plotH}" fill="transparent"/>` +
        (d.paidFen > 0
          ? `<rect class="bar-paid" x="${x.toFixed(1)}" y="${y(d.paidFen).toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(1, paidH).toFixed(1)}" rx="2" fill="${isLast ? '#06ad56' : '#07c160'}"/>`
          : '') +
        (d.refundedFen > 0
          ? `<rect class="bar-refund" x="${(x + barW * 0.25).toFixed(1)}" y="${y(d.refundedFen).toFixed(1)}" width="${(barW * 0.5).toFixed(1)}" height="${Math.max(1, top + plotH - y(d.refundedFen)).toFixed(1)}" rx="1" fill="#fa5151" fill-opacity="0.85"/>`
          : '') +
        `</g>`,
    );
    // Dates under every fifth day and today.
    if ((daily.length - 1 - i) % 5 === 0) {
      parts.push(
        `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${height - 10}" text-anchor="middle" font-size="11" fill="${isLast ? '#1f2329' : '#8a8f99'}">${escapeXml(isLast ? '今天' : d.date.slice(5))}</text>`,
      );
    }
  });

  if (maxFen === 0) {
    parts.push(`<text x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle" font-size="13" fill="#b5b9c0">这段时间还没有收款</text>`);
  }

  const total = daily.reduce((sum, d) => sum + d.paidFen, 0);
  const label = escapeXml(`近 ${daily.length} 天每日收款，合计 ¥${fenToYuan(total)}`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="xd-admin-chart-svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${label}" style="display:block;font-family:inherit">` +
    parts.join('') +
    `</svg>`
  );
}

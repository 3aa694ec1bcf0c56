import { PAID_STATUSES, type Dashboard } from '@xiaodian/shared';
import type { Services } from '../../context';
import { beijingDate } from '@xiaodian/shared';
import { beijingDayStart } from './list-orders';

const DAYS = 30;
const DAY_MS = 24 * 3600_000;
const byBeijingDay = (field: string) => ({ $dateToString: { format: '%Y-%m-%d', date: `$${field}`, timezone: '+08:00' } });

/**
 * Sales for the last 30 Beijing days, today included: money paid for orders (by the day it was paid) and money
 * refunded to shoppers (by the day the refund succeeded), grouped by the database; the windows are sums of days.
 */
export async function getDashboard(s: Pick<Services, 'models'>, now = new Date()): Promise<Dashboard> {
  const { models } = s;
  const today = beijingDate(now);
  const start = new Date(beijingDayStart(today).getTime() - (DAYS - 1) * DAY_MS);
  const [sales, refunds] = await Promise.all([
    models.Order.aggregate<{ _id: string; paidFen: number; orders: number }>([
      { $match: { paidAt: { $gte: start }, status: { $in: [...PAID_STATUSES] } } },
      { $group: { _id: byBeijingDay('paidAt'), paidFen: { $sum: '$paidFen' }, orders: { $sum: 1 } } },
    ]),
    // Automatic refunds (affectsOrder false) give back money no order kept: they are not refunds of sales.
    models.Refund.aggregate<{ _id: string; refundedFen: number; refunds: number }>([
      { $match: { status: 'SUCCESS', affectsOrder: true, settledAt: { $gte: start } } },
      { $group: { _id: byBeijingDay('settledAt'), refundedFen: { $sum: '$amountFen' }, refunds: { $sum: 1 } } },
    ]),
  ]);
  const salesOf = new Map(sales.map((r) => [r._id, r]));
  const refundsOf = new Map(refunds.map((r) => [r._id, r]));
  const days = Array.from({ length: DAYS }, (_, i) => {
    const date = beijingDate(new Date(start.getTime() + i * DAY_MS));
    const sold = salesOf.get(date);
    const refunded = refundsOf.get(date);
    return { date, paidFen: sold?.paidFen ?? 0, orders: sold?.orders ?? 0, refundedFen: refunded?.refundedFen ?? 0, refunds: refunded?.refunds ?? 0 };
  });
  const window = (n: number) =>
    days.slice(-n).reduce((sum, d) => ({ paidFen: sum.paidFen + d.paidFen, orders: sum.orders + d.orders, refundedFen: sum.refundedFen + d.refundedFen, refunds: sum.refunds + d.refunds }), {
      paidFen: 0,
      orders: 0,
      refundedFen: 0,
      refunds: 0,
    });
  return {
    today: window(1),
    last7Days: window(7),
    last30Days: window(DAYS),
    daily: days.map(({ date, paidFen, orders, refundedFen }) => ({ date, paidFen, orders, refundedFen })),
  };
}

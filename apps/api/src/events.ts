// Domain events: how a lower feature makes a higher one act without importing it (payments → refunds today;
// messages and after-sales later). Handlers are awaited, so an event's work is part of the step that raised
// it, and a failure fails that step as before; durability comes from the records each step writes first.
import type { Types } from 'mongoose';

export interface DomainEvents {
  /**
   * WeChat took money that the order cannot keep (it was closed, or paid by another attempt): the money must go
   * back. Raised on every repeat of the payment until the automatic refund exists.
   */
  'payment.unkept': { orderId: Types.ObjectId; outTradeNo: string; transactionId: string; amountFen: number; reason: string };
  /**
   * A refund of an after-sale request started (or was re-issued: a new outRefundNo) or settled. Raised only for
   * refunds that carry an afterSaleId, after the refund's own records are written; the after-sale room follows it.
   */
  'refund.changed': { afterSaleId: Types.ObjectId; orderId: Types.ObjectId; outRefundNo: string; status: 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL' };
}

export type DomainEventName = keyof DomainEvents;
type Handler<E extends DomainEventName> = (payload: DomainEvents[E]) => Promise<void>;

export class EventBus {
  private readonly handlers = new Map<DomainEventName, Handler<never>[]>();

  on<E extends DomainEventName>(name: E, handler: Handler<E>): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler as Handler<never>]);
  }

  async emit<E extends DomainEventName>(name: E, payload: DomainEvents[E]): Promise<void> {
    const handlers = (this.handlers.get(name) ?? []) as Handler<E>[];
    if (handlers.length === 0) throw new Error(`no handler for domain event ${name}`);
    for (const handler of handlers) await handler(payload);
  }

  /** For events a higher room may or may not listen to (yet): with no handler, nothing happens. */
  async emitIfHandled<E extends DomainEventName>(name: E, payload: DomainEvents[E]): Promise<void> {
    if ((this.handlers.get(name) ?? []).length > 0) await this.emit(name, payload);
  }
}

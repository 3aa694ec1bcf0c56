import type { AfterSale, AfterSaleHistoryEntry, AfterSaleReason, AfterSaleStatus, AfterSaleType } from '@xiaodian/shared';
import { imageUrl } from '../images/attach-images';
import type { AfterSaleDoc } from './model';

/** The wire shape (contract: AfterSale), plus the request's history and, when known, the order's readable number. */
export function toAfterSale(doc: AfterSaleDoc, orderNo?: string): AfterSale {
  return {
    id: String(doc._id),
    orderId: String(doc.orderId),
    ...(orderNo ? { orderNo } : {}),
    type: doc.type as AfterSaleType,
    status: doc.status as AfterSaleStatus,
    amountFen: doc.amountFen,
    reason: doc.reason as AfterSaleReason,
    ...(doc.description ? { description: doc.description } : {}),
    images: (doc.images ?? []).map((id) => imageUrl(id)),
    ...(doc.adminNote ? { adminNote: doc.adminNote } : {}),
    ...(doc.returnShipment?.trackingNo
      ? { returnShipment: { expressCompany: doc.returnShipment.expressCompany ?? '', trackingNo: doc.returnShipment.trackingNo, at: (doc.returnShipment.at ?? doc.updatedAt).toISOString() } }
      : {}),
    ...(doc.outRefundNo ? { outRefundNo: doc.outRefundNo } : {}),
    ...(doc.refundProblem ? { refundProblem: doc.refundProblem } : {}),
    history: (doc.history ?? []).map(
      (h): AfterSaleHistoryEntry => ({ at: (h.at ?? doc.createdAt).toISOString(), status: h.status as AfterSaleStatus, ...(h.note ? { note: h.note } : {}) }),
    ),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

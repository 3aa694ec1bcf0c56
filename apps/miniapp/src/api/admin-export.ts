// Spreadsheet exports of the console (H5 only): the file is fetched with the admin token — a plain link could not
// carry it — and handed to the browser as a download. Failures become ApiErrors with Chinese text like every call.
import { platform } from '@/platform';
import { errorTextOf } from '@/utils/error-text';
import { adminCallFailed, adminToken } from './admin';
import { ApiError, buildUrl } from './request';

/** Fetches `path` as the signed-in admin and saves it as `fileName`. */
async function downloadAdminFile(path: string, fileName: string, query?: Record<string, string>): Promise<void> {
  const token = adminToken();
  const url = buildUrl(platform.apiBase, path, query);
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    throw new ApiError('network', 0, 'NETWORK_ERROR', '网络不给力，导出失败，请稍后再试', { apiMessage: String(err) });
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
    const code = body?.error?.code ?? 'HTTP_ERROR';
    const err = new ApiError('http', res.status, code, errorTextOf(code) ?? `导出失败（${res.status}）`, { apiMessage: body?.error?.message });
    adminCallFailed(err, token);
    throw err;
  }
  const blob = await res.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has its own copy once started; the object URL is released a moment later.
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** The longest range the API exports (`GET /api/admin/orders/export`: over 366 days → 400). */
export const MAX_EXPORT_DAYS = 366;

/** `GET /api/admin/orders/export?from=&to=`: the orders created on those Beijing days, as `.xlsx`. */
export function exportOrders(from: string, to: string): Promise<void> {
  return downloadAdminFile('/api/admin/orders/export', `订单-${from}-${to}.xlsx`, { from, to });
}

/** `GET /api/admin/reconciliations/:date/export`: that day's reconciliation report as `.xlsx`. */
export function exportReconciliation(date: string): Promise<void> {
  return downloadAdminFile(`/api/admin/reconciliations/${encodeURIComponent(date)}/export`, `对账-${date}.xlsx`);
}

// One file up to the API as the multipart field `file` (product photos, after-sale photos, the batch-ship sheet).
// Not through the JSON wrapper: uni.uploadFile sends the multipart body and answers the body as text.
import { platform } from '@/platform';
import { errorTextOf } from '@/utils/error-text';
import { ApiError, buildUrl } from './request';

/**
 * Uploads the file at `filePath` (what uni.chooseImage / uni.chooseFile gave: a blob: URL in H5) to `path` with
 * the bearer `token`, and resolves with the API's JSON on 200/201. Otherwise rejects with an ApiError whose text
 * comes from the API's code (a 413 from a proxy is TOO_LARGE); a 401 is left to the caller (log in again).
 */
export function uploadFile<T>(path: string, filePath: string, token: string | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    uni.uploadFile({
      url: buildUrl(platform.apiBase, path),
      filePath,
      name: 'file',
      header: token ? { Authorization: `Bearer ${token}` } : {},
      success: (res) => {
        let body: unknown = res.data;
        try {
          body = typeof res.data === 'string' ? JSON.parse(res.data) : res.data;
        } catch {
          // A proxy's page, not the API's JSON: the status says enough.
        }
        if (res.statusCode === 201 || res.statusCode === 200) return resolve(body as T);
        const error = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
        const code = error?.code ?? (res.statusCode === 413 ? 'TOO_LARGE' : `HTTP_${res.statusCode}`);
        reject(new ApiError('http', res.statusCode, code, errorTextOf(code) ?? `上传失败（${res.statusCode}）`, { apiMessage: error?.message, details: error?.details }));
      },
      fail: () => reject(new ApiError('network', 0, 'NETWORK_ERROR', '上传失败，请检查网络后重试')),
    });
  });
}

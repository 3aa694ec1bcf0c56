// The shopper's photo upload (after-sale requests): `POST /api/images`, multipart field `file`, shopper token.
import { errorTextOf } from '@/utils/error-text';
import { platform } from '@/platform';
import { ApiError, buildUrl } from './request';

/** `url` is what the after-sale request lists (`/api/images/<id>`). */
export interface UploadedPhoto {
  id: string;
  url: string;
  width: number;
  height: number;
}

/**
 * Uploads one photo that uni.chooseImage gave (a blob: URL in H5) with the given token. Not through the JSON
 * wrapper: uni.uploadFile sends the multipart body and answers the body as text. 400 UNSUPPORTED_IMAGE,
 * 413 TOO_LARGE, 429 UPLOAD_LIMIT_REACHED; a 401 is left to the caller (log in again, then retry once).
 */
export function uploadPhoto(filePath: string, token: string | undefined): Promise<UploadedPhoto> {
  return new Promise((resolve, reject) => {
    uni.uploadFile({
      url: buildUrl(platform.apiBase, '/api/images'),
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
        if (res.statusCode === 201 || res.statusCode === 200) return resolve(body as UploadedPhoto);
        const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
        const code = error?.code ?? (res.statusCode === 413 ? 'TOO_LARGE' : `HTTP_${res.statusCode}`);
        reject(new ApiError('http', res.statusCode, code, errorTextOf(code) ?? `上传失败（${res.statusCode}）`, { apiMessage: error?.message }));
      },
      fail: () => reject(new ApiError('network', 0, 'NETWORK_ERROR', '上传失败，请检查网络后重试')),
    });
  });
}

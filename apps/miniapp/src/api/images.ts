// The shopper's photo upload (after-sale requests): `POST /api/images`, multipart field `file`, shopper token.
import { uploadFile } from './upload';

/** `url` is what the after-sale request lists (`/api/images/<id>`). */
export interface UploadedPhoto {
  id: string;
  url: string;
  width: number;
  height: number;
}

/**
 * Uploads one photo that uni.chooseImage gave (a blob: URL in H5) with the given token. 400 UNSUPPORTED_IMAGE,
 * 413 TOO_LARGE, 429 UPLOAD_LIMIT_REACHED; a 401 is left to the caller (log in again, then retry once).
 */
export function uploadPhoto(filePath: string, token: string | undefined): Promise<UploadedPhoto> {
  return uploadFile<UploadedPhoto>('/api/images', filePath, token);
}

// Where the app loads an image from. The API answers image urls as absolute paths on itself
// (`/api/images/<id>`, `/medium`, `/thumb`); the mini program runs on another origin than the API, so a path
// needs the API's base URL in front. Kept pure (the base is a parameter) so that it is tested without a build.

/** The sizes the API serves: a thumbnail for lists (~300 px), a medium size for pages (~750 px), the original (≤1600 px). */
export type ImageSize = 'thumb' | 'medium' | 'original';

/** One of the API's own images, whatever size the url names: `/api/images/<id>[/thumb|/medium]`. */
const API_IMAGE = /^\/api\/images\/([A-Za-z0-9_-]+)(?:\/(?:thumb|medium))?$/;

/**
 * The address to load `url` from at `size`: the API's images in the asked size on the API's origin; another
 * path of the API as it is, on the API's origin; an https: url (a product from before uploads) as it is.
 * Empty for no url, so that the caller shows its placeholder.
 */
export function imageSrc(url: string | undefined, size: ImageSize, apiBase: string): string {
  if (!url) return '';
  const own = API_IMAGE.exec(url);
  const base = apiBase.replace(/\/+$/, '');
  if (own) return `${base}/api/images/${own[1]}${size === 'original' ? '' : `/${size}`}`;
  if (url.startsWith('/')) return `${base}${url}`;
  return url;
}

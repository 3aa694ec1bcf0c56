// Product pictures for the browser tests, drawn by Chromium itself (a canvas → PNG bytes): real, decodable
// images for the API's upload, with no image library and nothing downloaded.
import type { Browser, Page } from 'playwright-core';
import { adminToken, type World } from '@xiaodian/api/testing';

export interface Picture {
  /** The object's colour. */
  color: string;
  /** The backdrop's colour. */
  backdrop: string;
  shape: 'cup' | 'tin' | 'shirt' | 'cake';
}

/** A 600 × 600 PNG of the picture, drawn in `page` (any page: the canvas is never attached). */
export async function drawPicture(page: Page, picture: Picture): Promise<Buffer> {
  const dataUrl = await page.evaluate((p) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 600;
    const g = canvas.getContext('2d')!;
    g.fillStyle = p.backdrop;
    g.fillRect(0, 0, 600, 600);
    g.fillStyle = 'rgba(0,0,0,0.08)';
    g.beginPath();
    g.ellipse(300, 500, 190, 26, 0, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = p.color;
    g.beginPath();
    if (p.shape === 'tin') g.roundRect(190, 150, 220, 330, 22);
    else if (p.shape === 'cake') for (const [x, y] of [[150, 290], [320, 290], [235, 150]]) g.roundRect(x!, y!, 150, 150, 18);
    else if (p.shape === 'cup') {
      g.moveTo(150, 200);
      g.quadraticCurveTo(160, 470, 300, 480);
      g.quadraticCurveTo(440, 470, 450, 200);
      g.closePath();
    } else {
      for (const [x, y] of [[220, 130], [100, 190], [140, 290], [190, 270], [190, 490], [410, 490], [410, 270], [460, 290], [500, 190], [380, 130]]) g.lineTo(x!, y!);
      g.quadraticCurveTo(300, 190, 220, 130);
    }
    g.fill();
    g.strokeStyle = 'rgba(0,0,0,0.25)';
    g.lineWidth = 5;
    g.stroke();
    return canvas.toDataURL('image/png');
  }, picture);
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

/** Uploads a picture through `POST /api/admin/images` (multipart, field `file`) as the owner; answers its id. */
export async function uploadPicture(world: World, png: Buffer, name = 'picture.png'): Promise<{ id: string; url: string }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), name);
  const res = await fetch(`${world.api.url}/api/admin/images`, { method: 'POST', headers: { authorization: `Bearer ${await adminToken(world)}` }, body: form });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; url: string };
}

/** Draws and uploads pictures with a scratch page of `browser`. */
export async function uploadPictures(browser: Browser, world: World, pictures: Picture[]): Promise<string[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const ids: string[] = [];
    for (const p of pictures) ids.push((await uploadPicture(world, await drawPicture(page, p))).id);
    return ids;
  } finally {
    await context.close();
  }
}

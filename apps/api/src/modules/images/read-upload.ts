// Reads the one file of a multipart/form-data upload into memory, never more than the limit: the JSON body
// parser leaves multipart alone, and busboy streams the parts, so an oversized file is cut off at the limit
// (the rest is read and thrown away, never kept) and answered 413.
import Busboy from 'busboy';
import type { Context } from 'koa';
import { AppError, badRequest } from '../../errors';

/** Room for the multipart framing around the file (boundaries, part headers, a few small fields). */
const FRAMING_BYTES = 64 * 1024;

const tooLarge = (maxBytes: number) => new AppError('TOO_LARGE', { status: 413, message: `The file is larger than ${maxBytes} bytes` });

/** The bytes of the form field `field` (a file); 400 when there is none or the body is not multipart, 413 past `maxBytes`. */
export async function readUploadedFile(ctx: Context, field: string, maxBytes: number): Promise<Buffer> {
  const req = ctx.req;
  if (!ctx.is('multipart/form-data')) throw badRequest(`Send the file as multipart/form-data in the field "${field}"`);
  const declared = Number(ctx.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes + FRAMING_BYTES) {
    // Known too large from the headers: refuse without parsing; the body is drained so the connection stays usable.
    req.resume();
    throw tooLarge(maxBytes);
  }
  let parser: Busboy.Busboy;
  try {
    parser = Busboy({
      headers: req.headers,
      limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 20 },
    });
  } catch {
    throw badRequest('The multipart/form-data body has no boundary');
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let found = false;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (err) {
        // Stop parsing; drain the rest unread (bounded in time by the listener's request timeout).
        req.unpipe(parser);
        req.resume();
        reject(err);
      } else if (!found) reject(badRequest(`The field "${field}" with the file is missing`));
      else resolve(Buffer.concat(chunks));
    };
    parser.on('file', (name, stream) => {
      if (name !== field || found) {
        stream.resume();
        return;
      }
      found = true;
      stream.on('data', (chunk: Buffer) => {
        if (!settled) chunks.push(chunk);
      });
      stream.on('limit', () => {
        chunks.length = 0;
        finish(tooLarge(maxBytes));
      });
    });
    parser.on('close', () => finish());
    parser.on('error', () => finish(badRequest('The multipart/form-data body is malformed')));
    req.once('aborted', () => finish(badRequest('The upload was interrupted')));
    req.once('error', () => finish(badRequest('The upload was interrupted')));
    req.pipe(parser);
  });
}

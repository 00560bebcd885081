import { timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header carries `Bearer <token>`: the scheme is matched
 * case-insensitively (RFC 9110), the token byte for byte and in constant time. Node
 * decodes header bytes as latin-1; they are turned back into the bytes the client sent,
 * so a non-ASCII token sent as UTF-8 (what curl, Python and browsers send) matches.
 * @internal
 * @example
 * ```ts
 * hasBearer('bearer s3cret', Buffer.from('s3cret')); //=> true
 * ```
 */
export function hasBearer(header: string | undefined, token: Buffer): boolean {
  if (header === undefined) return false;
  const m = /^bearer[ \t]+/i.exec(header);
  if (m === null) return false;
  const got = Buffer.from(header.slice(m[0].length).replace(/[ \t]+$/, ''), 'latin1');
  return got.length === token.length && timingSafeEqual(got, token);
}

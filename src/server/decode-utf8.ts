import { HttpError } from './http-error.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The length of the UTF-8 sequence a lead byte starts (0 for a continuation or invalid byte). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The offset where the first invalid UTF-8 sequence of `bytes` starts (`bytes` is known to be invalid). */
function firstBadByte(bytes: Uint8Array): number {
  // The longest prefix a streaming decoder accepts (it may end inside a character), by
  // bisection: validity of prefixes is monotone.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  // If that prefix ends inside a character, the bad sequence starts at its lead byte.
  for (let back = 1; back <= 3 && lo - back >= 0; back++) {
    const n = sequenceLength(bytes[lo - back] as number);
    if (n === 0) continue;
    return n > back ? lo - back : lo;
  }
  return lo;
}

/**
 * Decodes a request body as UTF-8, refusing invalid bytes (a 400 naming the byte offset)
 * instead of replacing them with U+FFFD, which would score text the client never sent.
 * A leading byte-order mark is kept as a character (and then rejected by the JSON parser).
 * @internal
 * @example
 * ```ts
 * decodeUtf8(Buffer.from('{"a":1}')); //=> '{"a":1}'
 * decodeUtf8(Buffer.from([0x7b, 0xff])); // throws HttpError 400: request body is not valid UTF-8 (bad byte at offset 1)
 * ```
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    throw new HttpError(400, `request body is not valid UTF-8 (bad byte at offset ${firstBadByte(bytes)})`);
  }
}

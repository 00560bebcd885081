/** One event of a {@link LineSplitter}. @internal */
export type LineEvent =
  /** A complete line (1-based `line`), without its `\n` or `\r\n`, decoded as UTF-8. */
  | { readonly kind: 'line'; readonly line: number; readonly text: string }
  /** A line grew past the cap: it is dropped up to its end. */
  | { readonly kind: 'overlong'; readonly line: number };

const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

/**
 * Splits a stream of byte chunks into lines. It splits bytes, not text: a newline
 * byte never occurs inside a multi-byte UTF-8 sequence, so a chunk boundary anywhere
 * (even inside a character) is harmless, and each whole line is decoded once. A line
 * longer than `maxLineBytes` is reported as soon as it passes the cap, then dropped,
 * so one huge line never has to fit in memory.
 * @internal
 */
export class LineSplitter {
  readonly #maxLineBytes: number;
  /** Pieces of the current, unfinished line (copied out of their chunks). */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Lines finished so far. */
  #line = 0;
  /** The current line passed the cap: drop bytes up to the next newline. */
  #dropping = false;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** The events of one more chunk. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(LF, start);
      const end = newline === -1 ? chunk.length : newline;
      if (!this.#dropping && this.#pendingBytes + (end - start) > this.#maxLineBytes) {
        this.#startDropping();
        events.push({ kind: 'overlong', line: this.#line + 1 });
      }
      if (newline === -1) {
        if (!this.#dropping && end > start) this.#keep(chunk.subarray(start));
        return events;
      }
      this.#line++;
      if (this.#dropping) this.#dropping = false;
      else events.push({ kind: 'line', line: this.#line, text: this.#take(chunk, start, newline) });
      start = newline + 1;
    }
  }

  /** The last line, when the input does not end with a newline. */
  end(): LineEvent[] {
    const dropped = this.#dropping;
    this.#dropping = false;
    if (dropped || this.#pendingBytes === 0) return [];
    this.#line++;
    return [{ kind: 'line', line: this.#line, text: this.#take(Buffer.alloc(0), 0, 0) }];
  }

  #keep(piece: Buffer): void {
    // Copied: the producer may reuse its chunk buffers.
    this.#pending.push(Buffer.from(piece));
    this.#pendingBytes += piece.length;
  }

  #startDropping(): void {
    this.#dropping = true;
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** Decodes the pending pieces plus `chunk[start, end)` as one line. */
  #take(chunk: Buffer, start: number, end: number): string {
    let text: string;
    if (this.#pendingBytes === 0) {
      text = chunk.toString('utf8', start, end);
    } else {
      this.#pending.push(chunk.subarray(start, end));
      text = Buffer.concat(this.#pending, this.#pendingBytes + (end - start)).toString('utf8');
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    if (text.charCodeAt(text.length - 1) === CR) text = text.slice(0, -1);
    if (this.#line === 1 && text.charCodeAt(0) === BOM) text = text.slice(1);
    return text;
  }
}

/**
 * Whether a line holds only JSON whitespace (space, tab, CR, LF): a blank JSON Lines line.
 * @internal
 */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

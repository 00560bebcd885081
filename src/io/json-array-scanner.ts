import { TrajectoryError } from '../trajectory/trajectory-error.js';

/** One event of a {@link JsonArrayScanner}. @internal */
export type ArrayEvent =
  /** The source text of element `index` (0-based), which starts on 1-based `line`. */
  | { readonly kind: 'element'; readonly index: number; readonly line: number; readonly text: string }
  /** Element `index` grew past the cap: it is dropped. */
  | { readonly kind: 'overlong'; readonly index: number; readonly line: number };

// Where the scanner is.
const START = 0; // before the opening '['
const FIRST = 1; // after '[': an element or ']'
const NEXT = 2; // after ',': an element
const VALUE = 3; // inside an element
const AFTER = 4; // after an element: ',' or ']'
const DONE = 5; // after the closing ']': only whitespace

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LF = 0x0a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === LF || b === 0x0d || b === 0x09;
}

/**
 * An incremental scanner of a top-level JSON array: fed byte chunks split anywhere,
 * it finds where each element starts and ends (tracking strings, escapes and nesting
 * depth) and hands out each element's text, to be `JSON.parse`d on its own. Only the
 * current element is held in memory. It scans bytes: every structural character is
 * ASCII and never occurs inside a multi-byte UTF-8 sequence, so each element is
 * decoded once, whole.
 *
 * The scanner checks the array's structure (brackets, commas, end of input), not
 * the elements: `JSON.parse` does that. A structural error is thrown as a
 * {@link TrajectoryError} whatever the error policy, since nothing after it can be
 * trusted.
 * @internal
 */
export class JsonArrayScanner {
  readonly #maxElementBytes: number;
  readonly #source: string | undefined;
  #state = START;
  /** 1-based line of the byte being scanned. */
  #line = 1;
  /** Bytes seen before the current chunk, to spot a byte order mark. */
  #offset = 0;
  /** Index of the next element. */
  #index = 0;
  // The current element.
  #depth = 0;
  #inString = false;
  #escaped = false;
  #scalar = false;
  #elementLine = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #dropping = false;

  constructor(maxElementBytes: number, source: string | undefined) {
    this.#maxElementBytes = maxElementBytes;
    this.#source = source;
  }

  /** The events of one more chunk. */
  push(chunk: Buffer): ArrayEvent[] {
    const events: ArrayEvent[] = [];
    let start = this.#state === VALUE ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const b = chunk[i]!;
      if (this.#state === VALUE) {
        if (this.#inString) {
          if (this.#escaped) this.#escaped = false;
          else if (b === BACKSLASH) this.#escaped = true;
          else if (b === QUOTE) {
            this.#inString = false;
            if (this.#depth === 0) this.#endElement(chunk, start, i + 1, events);
          } else if (b === LF) this.#line++;
        } else if (this.#scalar) {
          if (b === COMMA || b === CLOSE_BRACKET || isWhitespace(b)) {
            this.#endElement(chunk, start, i, events);
            i--; // scan the delimiter again, after the element
          }
        } else if (b === QUOTE) this.#inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.#depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          if (--this.#depth === 0) this.#endElement(chunk, start, i + 1, events);
        } else if (b === LF) this.#line++;
        continue;
      }
      if (isWhitespace(b)) {
        if (b === LF) this.#line++;
        continue;
      }
      start = this.#structural(chunk, i);
    }
    if (this.#state === VALUE) this.#keep(chunk.subarray(Math.max(start, 0)), events);
    this.#offset += n;
    return events;
  }

  /** Checks that the input ended right after the array. */
  end(): void {
    if (this.#state === DONE) return;
    const expected = this.#state === START ? 'a JSON array' : this.#state === AFTER ? "',' or ']'" : "an element and then ']'";
    throw this.#error(expected, 'the end of the input');
  }

  /** Handles a non-whitespace byte outside an element; returns where an element starts, or -1. */
  #structural(chunk: Buffer, i: number): number {
    const b = chunk[i]!;
    switch (this.#state) {
      case START:
        if (b === OPEN_BRACKET) this.#state = FIRST;
        else if (!this.#isByteOrderMark(chunk, i)) throw this.#error('a JSON array', this.#quote(chunk, i));
        return -1;
      case FIRST:
      case NEXT:
        if (b === CLOSE_BRACKET && this.#state === FIRST) {
          this.#state = DONE;
          return -1;
        }
        if (b === COMMA || b === CLOSE_BRACKET) throw this.#error('an element', this.#quote(chunk, i), `$[${this.#index}]`);
        this.#startElement(b);
        return i;
      case AFTER:
        if (b === COMMA) this.#state = NEXT;
        else if (b === CLOSE_BRACKET) this.#state = DONE;
        else throw this.#error("',' or ']'", this.#quote(chunk, i), `$[${this.#index}]`);
        return -1;
      default:
        throw this.#error('nothing after the closing bracket', this.#quote(chunk, i));
    }
  }

  /** The UTF-8 byte order mark, allowed at the very start of the input. */
  #isByteOrderMark(chunk: Buffer, i: number): boolean {
    const at = this.#offset + i;
    const b = chunk[i];
    return (at === 0 && b === 0xef) || (at === 1 && b === 0xbb) || (at === 2 && b === 0xbf);
  }

  #startElement(first: number): void {
    this.#state = VALUE;
    this.#elementLine = this.#line;
    this.#depth = first === OPEN_BRACE || first === OPEN_BRACKET ? 1 : 0;
    this.#inString = first === QUOTE;
    this.#escaped = false;
    this.#scalar = !this.#inString && this.#depth === 0;
  }

  /** Holds the part of an unfinished element that lies in this chunk (copied). */
  #keep(piece: Buffer, events: ArrayEvent[]): void {
    if (this.#dropping) return;
    if (this.#pendingBytes + piece.length > this.#maxElementBytes) {
      this.#drop(events);
      return;
    }
    this.#pending.push(Buffer.from(piece));
    this.#pendingBytes += piece.length;
  }

  #drop(events: ArrayEvent[]): void {
    this.#dropping = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    events.push({ kind: 'overlong', index: this.#index, line: this.#elementLine });
  }

  /** Ends the element at `chunk[.., end)` (it started at `start`, or in an earlier chunk when -1). */
  #endElement(chunk: Buffer, start: number, end: number, events: ArrayEvent[]): void {
    const from = Math.max(start, 0);
    if (!this.#dropping && this.#pendingBytes + (end - from) > this.#maxElementBytes) this.#drop(events);
    if (!this.#dropping) {
      let text: string;
      if (this.#pendingBytes === 0) text = chunk.toString('utf8', from, end);
      else {
        this.#pending.push(chunk.subarray(from, end));
        text = Buffer.concat(this.#pending, this.#pendingBytes + (end - from)).toString('utf8');
      }
      events.push({ kind: 'element', index: this.#index, line: this.#elementLine, text });
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#dropping = false;
    this.#index++;
    this.#state = AFTER;
  }

  #quote(chunk: Buffer, i: number): string {
    const text = chunk.toString('utf8', i, Math.min(chunk.length, i + 20));
    return JSON.stringify(text);
  }

  #error(expected: string, found: string, path = '$'): TrajectoryError {
    return new TrajectoryError({ source: this.#source, line: this.#line, path, expected, found });
  }
}

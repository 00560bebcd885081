import { nearestName } from '../_lib/options.js';
import { PARSE_OPTION_KEYS, parseStepOutput, type ParseStepOutputOptions, type StepRewardOptions } from '../reward/index.js';
import { HttpError } from './http-error.js';

/**
 * The step-reward options a client may send as JSON (functions cannot travel):
 * a subset of `StepRewardOptions`.
 */
export interface JsonStepRewardOptions {
  /** `'difflib'` (default, the paper's) or `'lcs'`. */
  readonly metric?: 'difflib' | 'lcs';
  /** `'char'` (default) or `'word'`. */
  readonly granularity?: 'char' | 'word';
  /** The reward of an output that breaks the format (default `-1`). */
  readonly formatPenalty?: number;
  /** Python's `autojunk` for `'difflib'` (default `true`). */
  readonly autojunk?: boolean;
  /** Compare only the first `maxLength` elements of each side. */
  readonly maxLength?: number;
  /**
   * Step-format rules, as for `parseStepOutput`: `thinkTag`, `requireThink`,
   * `implicitOpen` (turn it on when the chat template ends the prompt with `<think>`, or
   * every output is a format error), `unwrapSolution`, `solutionTag`, `unwrapAction`
   * (`"mini-swe-agent"` or `"swe-agent"`: a RegExp cannot travel in JSON) and
   * `requireActionBlock`.
   */
  readonly parse?: ParseStepOutputOptions;
}

/** One item to score: the model output, the expert step, and per-item options. */
export interface ParsedItem {
  /** The model's output. */
  readonly output: string;
  /** The expert step. */
  readonly target: string;
  /** Per-item reward options. */
  readonly options?: StepRewardOptions;
}

/**
 * What only the server's operator sets: a client option beyond a ceiling is a 400 naming it.
 * The operator's own `scoring.maxLength` and `scoring.autojunk: true` are ceilings as well as
 * defaults: a client may ask for less work (a smaller `maxLength`), never more.
 */
export interface ScoringCeilings {
  /** The work budget of one item (`StepRewardOptions.maxWork`; `Infinity`: none). Clients cannot send it. */
  readonly maxWork: number;
  /** The largest `maxLength` a client may ask for (none when undefined). */
  readonly maxLength?: number;
  /** When true, a client may not turn `autojunk` off. */
  readonly autojunk?: boolean;
}

/** Limits applied while parsing a request. */
export interface ParseLimits {
  /** The longest `output`/`target`/`query`/`label`, in UTF-16 code units. */
  readonly maxItemChars: number;
  /** The most items in one request. */
  readonly maxItems: number;
}

const OPTION_KEYS = ['metric', 'granularity', 'formatPenalty', 'autojunk', 'maxLength', 'parse'];

/** A 400 for an unknown key, naming the nearest valid one. */
function unknownKey(key: string, allowed: readonly string[], path: string): HttpError {
  return new HttpError(400, `unknown option (did you mean '${nearestName(key, allowed)}'?); valid options: ${allowed.join(', ')}`, `${path}.${key}`);
}

/** Printable text for an error message: control and non-ASCII characters escaped, at most 200 characters. */
function printable(text: string): string {
  const clipped = text.length > 200 ? `${text.slice(0, 200)}...` : text;
  return clipped.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Parses JSON text, turning a syntax error into a 400 {@link HttpError} that carries the
 * parser's message.
 *
 * @example
 * ```ts
 * import { parseJson } from 'srl-kit/server';
 * parseJson('{"a": 1}'); //=> { a: 1 }
 * ```
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // V8's message quotes the input: escape it so that a binary body is not echoed back.
    throw new HttpError(400, `malformed JSON: ${printable((err as Error).message)}`);
  }
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function expectObject(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new HttpError(400, `expected an object, got ${typeName(v)}`, path);
  }
  return v as Record<string, unknown>;
}

/** An array of at most `maxItems` strings, each at most `maxChars` long (default: `maxItemChars`). */
function expectStringArray(v: unknown, path: string, limits: ParseLimits, maxChars = limits.maxItemChars): string[] {
  if (!Array.isArray(v)) throw new HttpError(400, `expected an array of strings, got ${typeName(v)}`, path);
  if (v.length > limits.maxItems) {
    throw new HttpError(400, `too many items: ${v.length} > ${limits.maxItems}`, path);
  }
  const itemLimits = { ...limits, maxItemChars: maxChars };
  for (let i = 0; i < v.length; i++) expectString(v[i], `${path}[${i}]`, itemLimits);
  return v as string[];
}

/** An expert step: a non-empty string (the same rule as `srl score`'s target). */
function expectTarget(v: unknown, path: string, limits: ParseLimits): string {
  const s = expectString(v, path, limits);
  if (s === '') throw new HttpError(400, 'expected a non-empty string (an expert step), got ""', path);
  return s;
}

function expectString(v: unknown, path: string, limits: ParseLimits): string {
  if (typeof v !== 'string') throw new HttpError(400, `expected a string, got ${typeName(v)}`, path);
  if (v.length > limits.maxItemChars) {
    throw new HttpError(400, `string of ${v.length} chars exceeds maxItemChars (${limits.maxItemChars})`, path);
  }
  return v;
}

/**
 * Validates JSON step-reward options (the {@link JsonStepRewardOptions} subset), and holds
 * them to the operator's `ceilings` when given: `maxLength` above the ceiling, `autojunk:
 * false` where the operator requires it, and `maxWork` (the operator's alone) are 400s.
 *
 * @param v - The parsed value.
 * @param path - Its JSON path, for error messages.
 * @param ceilings - The server's ceilings (none: only the types and ranges are checked).
 * @returns The options, ready to merge over the server's defaults.
 * @throws HttpError (400) naming the offending path.
 * @example
 * ```ts
 * import { parseOptions } from 'srl-kit/server';
 * parseOptions({ metric: 'lcs' }, '$.items[0].options'); //=> { metric: 'lcs' }
 * parseOptions({ maxLength: 5000 }, '$.items[0].options', { maxWork: 1e8, maxLength: 2000 });
 * // throws HttpError 400: $.items[0].options.maxLength: 5000 exceeds the server's ceiling (maxLength 2000)
 * ```
 */
export function parseOptions(v: unknown, path: string, ceilings?: ScoringCeilings): JsonStepRewardOptions {
  const o = expectObject(v, path);
  for (const k of Object.keys(o)) {
    if (k === 'maxWork' && ceilings !== undefined) {
      throw new HttpError(400, `the work budget is set by the server's operator only (maxWork ${ceilings.maxWork})`, `${path}.maxWork`);
    }
    if (!OPTION_KEYS.includes(k)) throw unknownKey(k, OPTION_KEYS, path);
  }
  const out: { -readonly [K in keyof JsonStepRewardOptions]: JsonStepRewardOptions[K] } = {};
  if (o['metric'] !== undefined) {
    if (o['metric'] !== 'difflib' && o['metric'] !== 'lcs') throw new HttpError(400, `expected "difflib" or "lcs"`, `${path}.metric`);
    out.metric = o['metric'];
  }
  if (o['granularity'] !== undefined) {
    if (o['granularity'] !== 'char' && o['granularity'] !== 'word') throw new HttpError(400, `expected "char" or "word"`, `${path}.granularity`);
    out.granularity = o['granularity'];
  }
  if (o['formatPenalty'] !== undefined) {
    const p = o['formatPenalty'];
    if (typeof p !== 'number' || !Number.isFinite(p)) throw new HttpError(400, 'expected a finite number', `${path}.formatPenalty`);
    out.formatPenalty = p;
  }
  if (o['autojunk'] !== undefined) {
    if (typeof o['autojunk'] !== 'boolean') throw new HttpError(400, 'expected a boolean', `${path}.autojunk`);
    if (!o['autojunk'] && ceilings?.autojunk === true) {
      throw new HttpError(400, "false is above the server's ceiling: its operator requires autojunk (scoring.autojunk true)", `${path}.autojunk`);
    }
    out.autojunk = o['autojunk'];
  }
  if (o['maxLength'] !== undefined) {
    const m = o['maxLength'];
    if (typeof m !== 'number' || !Number.isSafeInteger(m) || m < 1) {
      throw new HttpError(400, `expected an integer in [1, ${Number.MAX_SAFE_INTEGER}], got ${JSON.stringify(m)}`, `${path}.maxLength`);
    }
    if (ceilings?.maxLength !== undefined && m > ceilings.maxLength) {
      throw new HttpError(400, `${m} exceeds the server's ceiling (maxLength ${ceilings.maxLength})`, `${path}.maxLength`);
    }
    out.maxLength = m;
  }
  if (o['parse'] !== undefined) {
    const p = expectObject(o['parse'], `${path}.parse`);
    for (const k of Object.keys(p)) {
      if (!PARSE_OPTION_KEYS.includes(k)) throw unknownKey(k, PARSE_OPTION_KEYS, `${path}.parse`);
    }
    try {
      // The reward module's own checks (tag names, unwrapSolution values), so the rules match exactly.
      parseStepOutput('', p as ParseStepOutputOptions);
    } catch (err) {
      throw new HttpError(400, (err as Error).message.replace(/^parseStepOutput: /, ''), `${path}.parse`);
    }
    out.parse = p as ParseStepOutputOptions;
  }
  return out;
}

/**
 * Parses an OpenRLHF remote reward-model request
 * `{ "query": [prompt + response, ...], "prompts": [...], "labels": [...] }` into items:
 * the output is `query[i]` minus its prefix `prompts[i]`, the target is `labels[i]`.
 * `prompts` may be left out (then the whole query is the output); other fields are ignored.
 * `limits.maxItemChars` applies to each output and label, not to the prompts (long agent
 * histories are fine; only what is compared costs scoring time).
 *
 * @param body - The parsed JSON body.
 * @param limits - Item limits.
 * @returns One item per query, in order.
 * @throws HttpError (400) naming the JSON path, e.g. `$.labels[3]` (a label must be a
 * non-empty string), or `$.query[2]` when it does not start with `$.prompts[2]`.
 * @example
 * ```ts
 * import { parseRewardRequest } from 'srl-kit/server';
 * parseRewardRequest({ query: ['Q: <think>t</think> x'], prompts: ['Q: '], labels: ['x'] },
 *   { maxItemChars: 1e5, maxItems: 1e4 });
 * //=> [{ output: '<think>t</think> x', target: 'x' }]
 * ```
 */
export function parseRewardRequest(body: unknown, limits: ParseLimits): ParsedItem[] {
  const o = expectObject(body, '$');
  // Prompts (and so queries) may be long agent histories: only the compared parts, the
  // response and the label, are held to maxItemChars; the body limit bounds the rest.
  const query = expectStringArray(o['query'], '$.query', limits, Infinity);
  const labels = expectStringArray(o['labels'], '$.labels', limits);
  labels.forEach((label, i) => expectTarget(label, `$.labels[${i}]`, limits));
  if (labels.length !== query.length) {
    throw new HttpError(400, `expected ${query.length} labels (one per query), got ${labels.length}`, '$.labels');
  }
  let prompts: string[] | undefined;
  if (o['prompts'] !== undefined && o['prompts'] !== null) {
    prompts = expectStringArray(o['prompts'], '$.prompts', limits, Infinity);
    if (prompts.length !== query.length) {
      throw new HttpError(400, `expected ${query.length} prompts (one per query), got ${prompts.length}`, '$.prompts');
    }
  }
  const items: ParsedItem[] = new Array<ParsedItem>(query.length);
  for (let i = 0; i < query.length; i++) {
    const q = query[i]!;
    let output = q;
    if (prompts !== undefined) {
      const p = prompts[i]!;
      if (!q.startsWith(p)) throw new HttpError(400, `does not start with $.prompts[${i}]`, `$.query[${i}]`);
      output = q.slice(p.length);
    }
    if (output.length > limits.maxItemChars) {
      const what = prompts === undefined ? 'string' : 'response (the query minus its prompt)';
      throw new HttpError(400, `${what} of ${output.length} chars exceeds maxItemChars (${limits.maxItemChars})`, `$.query[${i}]`);
    }
    items[i] = { output, target: labels[i]! };
  }
  return items;
}

/**
 * Parses a `/score` request `{ "items": [{ "output", "target", "options"? }] }`.
 *
 * @param body - The parsed JSON body.
 * @param limits - Item limits.
 * @param ceilings - The server operator's ceilings on item options (see {@link parseOptions}).
 * @returns The items, with their JSON options validated.
 * @throws HttpError (400) naming the JSON path, e.g. `$.items[2].target` (a target must be a
 * non-empty string).
 * @example
 * ```ts
 * import { parseScoreRequest } from 'srl-kit/server';
 * parseScoreRequest({ items: [{ output: '<think>t</think> x', target: 'x' }] },
 *   { maxItemChars: 1e5, maxItems: 1e4 });
 * ```
 */
export function parseScoreRequest(body: unknown, limits: ParseLimits, ceilings?: ScoringCeilings): ParsedItem[] {
  const o = expectObject(body, '$');
  const arr = o['items'];
  if (!Array.isArray(arr)) throw new HttpError(400, `expected an array, got ${typeName(arr)}`, '$.items');
  if (arr.length > limits.maxItems) throw new HttpError(400, `too many items: ${arr.length} > ${limits.maxItems}`, '$.items');
  return arr.map((raw, i): ParsedItem => {
    const path = `$.items[${i}]`;
    const it = expectObject(raw, path);
    const output = expectString(it['output'], `${path}.output`, limits);
    const target = expectTarget(it['target'], `${path}.target`, limits);
    if (it['options'] === undefined) return { output, target };
    return { output, target, options: parseOptions(it['options'], `${path}.options`, ceilings) };
  });
}

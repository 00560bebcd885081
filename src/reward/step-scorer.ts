import { assertFiniteNumber, assertIntegerInRange, assertOptions, assertString } from '../_lib/assert.js';
import { sliceCodePoints } from '../_lib/code-points.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys } from '../_lib/options.js';
import { difflibRatio } from './difflib-ratio.js';
import { lcsSimilarity } from './lcs-ratio.js';
import type { Normalizer } from './normalizers.js';
import { PARSE_OPTION_KEYS, parseStepOutput, type ParseStepOutputOptions, type ParseStepOutputResult } from './parse-step-output.js';
import { beginComparison, endComparison } from './scoring-limits.js';
import { SequenceMatcher } from './sequence-matcher.js';
import { toSequence, type Granularity } from './tokenize.js';
import type { Sequence } from './types.js';

/**
 * A similarity function: receives the action and the expert step as sequences (at
 * the chosen granularity, after normalization) and returns a finite number,
 * usually in [0, 1].
 */
export type SimilarityFn = (action: Sequence, expert: Sequence) => number;

/**
 * How the action is compared with the expert step: `'difflib'` (the paper:
 * `SequenceMatcher(None, action, expert).ratio()`), `'lcs'` (`2 * LCS / (|a| + |b|)`,
 * exact), or your own {@link SimilarityFn}.
 */
export type Metric = 'difflib' | 'lcs' | SimilarityFn;

/** Options of {@link stepReward}, {@link stepRewards} and {@link explainStepReward}. */
export interface StepRewardOptions {
  /** The similarity (default `'difflib'`, the paper's). */
  readonly metric?: Metric | undefined;
  /** What is compared: `'char'` (default, the paper's), `'word'`, or a tokenizer. */
  readonly granularity?: Granularity | undefined;
  /**
   * Text transformations applied, in order, to both the action and the expert step
   * before tokenizing (default: none, so the default reward is the paper's). See
   * `normalizers` for ready-made ones.
   */
  readonly normalize?: Normalizer | readonly Normalizer[] | undefined;
  /** The reward of an output that does not follow the format (default `-1`, the paper's). */
  readonly formatPenalty?: number | undefined;
  /** How the output is split into monologue and action (see `parseStepOutput`). */
  readonly parse?: ParseStepOutputOptions | undefined;
  /** Python's `autojunk` for the `'difflib'` metric (default `true`, as the paper's code). */
  readonly autojunk?: boolean | undefined;
  /**
   * Compare only the first `maxLength` elements (code points, words or tokens) of
   * each side. Off by default, so results stay exact. difflib's cost grows with the
   * product of the lengths in the worst case; a cap bounds it for untrusted input.
   */
  readonly maxLength?: number | undefined;
  /**
   * The most work one comparison may take, in work units (a positive integer, or
   * `Infinity`; default unlimited, so results stay exact): a comparison that would need
   * more throws a {@link ScoringLimitError} instead of running on. Units are counted, not
   * timed, so the same input always passes or always fails: for `'difflib'`, one per
   * (row of the action, position of the expert step) pair that the longest-match search
   * visits; for `'lcs'`, one per (row, 4 words of 32 bits) of the bit-vector LCS (known before it
   * starts, so it fails at once). A custom metric is not counted. A difflib unit costs 3 to
   * 7 ns on a quiet 2-core VM (an lcs unit about twice that), so `100_000_000` stops a
   * difflib item after 0.3 to 0.6 s while long real text passes (docs/reward.md, "Bounding the cost of an item").
   * `explainStepReward` applies it to its alignment too. Checked when the scorer is made.
   */
  readonly maxWork?: number | undefined;
}

/** The keys of {@link StepRewardOptions}, for the unknown-option check. @internal */
export const STEP_REWARD_OPTION_KEYS: readonly string[] = [
  'metric',
  'granularity',
  'normalize',
  'formatPenalty',
  'parse',
  'autojunk',
  'maxLength',
  'maxWork',
];

/** What scoring one output produced; the shared core of the public reward functions. @internal */
export interface StepScore {
  readonly reward: number;
  readonly parsed: ParseStepOutputResult;
  /** The compared sequences (after normalization, tokenization and truncation); `action` is null on a format error. */
  readonly action: Sequence | null;
  readonly expert: Sequence;
  readonly truncated: boolean;
}

/** A compiled scorer for one expert step: parses, normalizes, tokenizes and compares. @internal */
export interface StepScorer {
  readonly metric: 'difflib' | 'lcs' | 'custom';
  readonly granularity: 'char' | 'word' | 'custom';
  readonly autojunk: boolean;
  /** The work budget of one comparison (Infinity: none). */
  readonly maxWork: number;
  score(output: string, arg: string): StepScore;
  /** Runs `body` as one comparison of `action` with the expert step, under `maxWork`. */
  budgeted<T>(action: Sequence, body: () => T): T;
}

function normalizerList(value: unknown, fn: string): readonly Normalizer[] {
  if (value === undefined) return [];
  const list = typeof value === 'function' ? [value] : value;
  if (!Array.isArray(list)) {
    throw new TypeError(`${fn}: option 'normalize' must be a function or an array of functions, got ${describeType(value)}`);
  }
  list.forEach((item, i) => {
    if (typeof item !== 'function') {
      throw new TypeError(`${fn}: option 'normalize[${i}]' must be a function, got ${describeType(item)}`);
    }
  });
  return list as readonly Normalizer[];
}

function applyNormalizers(text: string, list: readonly Normalizer[], fn: string, what: string): string {
  let out = text;
  for (let i = 0; i < list.length; i++) {
    const next: unknown = (list[i] as Normalizer)(out);
    if (typeof next !== 'string') {
      throw new TypeError(`${fn}: normalize[${i}] returned ${describeType(next)} for the ${what}, expected a string`);
    }
    out = next;
  }
  return out;
}

function truncate(seq: Sequence, maxLength: number | undefined): Sequence {
  if (maxLength === undefined) return seq;
  if (typeof seq === 'string') return seq.length <= maxLength ? seq : sliceCodePoints(seq, maxLength);
  return seq.length <= maxLength ? seq : seq.slice(0, maxLength);
}

/**
 * Checks the options once and returns a scorer for one expert step. For the
 * difflib metric the expert's index is built once and reused for every output,
 * as Python's `set_seq2` caching does.
 * @internal
 */
export function createStepScorer(expertStep: string, options: StepRewardOptions | undefined, fn: string): StepScorer {
  assertString(expertStep, fn, 'expertStep');
  assertOptions(options, fn);
  assertKnownKeys(options, STEP_REWARD_OPTION_KEYS, fn, 'options');
  const opts = options ?? {};
  const metric = opts.metric ?? 'difflib';
  if (metric !== 'difflib' && metric !== 'lcs' && typeof metric !== 'function') {
    throw new TypeError(
      `${fn}: option 'metric' must be 'difflib', 'lcs' or a function, got ${
        typeof metric === 'string' ? JSON.stringify(metric) : describeType(metric)
      }`,
    );
  }
  const granularity = opts.granularity ?? 'char';
  const formatPenalty = opts.formatPenalty ?? -1;
  assertFiniteNumber(formatPenalty, fn, 'options.formatPenalty');
  const autojunk = opts.autojunk ?? true;
  if (typeof autojunk !== 'boolean') {
    throw new TypeError(`${fn}: option 'autojunk' must be a boolean, got ${describeType(autojunk)}`);
  }
  const maxLength = opts.maxLength;
  if (maxLength !== undefined) assertIntegerInRange(maxLength, 1, Number.MAX_SAFE_INTEGER, fn, 'options.maxLength');
  const maxWork = opts.maxWork === undefined ? Infinity : opts.maxWork;
  if (maxWork !== Infinity && (typeof maxWork !== 'number' || !Number.isSafeInteger(maxWork) || maxWork < 1)) {
    throw new RangeError(
      `${fn}: argument 'options.maxWork' must be a positive integer or Infinity, got ${
        typeof maxWork === 'number' ? String(maxWork) : typeof maxWork === 'string' ? JSON.stringify(maxWork) : describeType(maxWork)
      }`,
    );
  }
  const normalize = normalizerList(opts.normalize, fn);
  const parseOptions = opts.parse ?? {};
  // Check the parse options now, so a bad option is reported even if every output is well formed.
  assertKnownKeys(parseOptions, PARSE_OPTION_KEYS, fn, 'options.parse');
  parseStepOutput('', parseOptions);

  const expertFull = toSequence(applyNormalizers(expertStep, normalize, fn, 'expert step'), granularity, fn);
  const expert = truncate(expertFull, maxLength);
  const expertTruncated = expert !== expertFull;
  // Token sequences reuse one matcher (the expert is indexed once); strings take the
  // allocation-free one-shot path, which is faster still.
  let matcher: SequenceMatcher | null = null;
  const unit = granularity === 'char' ? '' : granularity === 'word' ? 'words' : 'tokens';

  const compare = (action: Sequence): number => {
    if (metric === 'difflib') {
      if (typeof action === 'string' && typeof expert === 'string') return difflibRatio(action, expert, autojunk);
      matcher ??= new SequenceMatcher('', expert, { autojunk });
      matcher.setSeq1(action);
      return matcher.ratio();
    }
    return lcsSimilarity(action, expert, fn);
  };

  const budgeted = <T>(action: Sequence, body: () => T): T => {
    const owned = beginComparison(fn, action, expert, unit, maxWork);
    try {
      return body();
    } finally {
      endComparison(owned);
    }
  };

  const similarity = (action: Sequence): number => {
    if (metric !== 'difflib' && metric !== 'lcs') return custom(action);
    const owned = beginComparison(fn, action, expert, unit, maxWork);
    try {
      return compare(action);
    } finally {
      endComparison(owned);
    }
  };

  const custom = (action: Sequence): number => {
    const value: unknown = (metric as (a: Sequence, b: Sequence) => unknown)(action, expert);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(
        `${fn}: the metric function returned ${typeof value === 'number' ? String(value) : describeType(value)}, expected a finite number`,
      );
    }
    return value;
  };

  return {
    metric: typeof metric === 'function' ? 'custom' : metric,
    granularity: typeof granularity === 'function' ? 'custom' : granularity,
    autojunk,
    maxWork,
    budgeted,
    score(output: string, arg: string): StepScore {
      assertString(output, fn, arg);
      const parsed = parseStepOutput(output, parseOptions);
      if (!parsed.ok) return { reward: formatPenalty, parsed, action: null, expert, truncated: expertTruncated };
      const actionFull = toSequence(applyNormalizers(parsed.action, normalize, fn, 'action'), granularity, fn);
      const action = truncate(actionFull, maxLength);
      return {
        reward: similarity(action),
        parsed,
        action,
        expert,
        truncated: expertTruncated || action !== actionFull,
      };
    },
  };
}

import { pyStrip } from '../_lib/python-whitespace.js';
import type { OnError } from './error-policy.js';
import { fail, isRecord, type Where } from './_json-path.js';
import type { ToolPolicy } from './_options.js';
import { TrajectoryError } from './trajectory-error.js';
import type { Step } from './types.js';

/**
 * A position in the input: JSON path, and line for line-based formats.
 * @internal
 */
export interface Loc {
  readonly path: string;
  readonly line?: number | undefined;
}

/**
 * One piece of an assistant turn, in the order the model wrote it.
 * - `thought`: reasoning that is never an action (a `thinking` block, SWE-agent's `thought`);
 * - `text`: visible text: the thought of the next action, or, when no action follows, a text step;
 * - `action`: an action, already rendered; `ids` are the tool-call ids its observation answers;
 * - `thinking`: a call to a thinking tool (`thinkingTools`): not a step, its `text` goes to
 *   the next step's thought and its results (by `ids`) are dropped;
 * - `dropped`: a call that is not a step (`dropTools`, `keepTools`); its results are dropped.
 * @internal
 */
export type TurnPart =
  | { readonly kind: 'thought'; readonly text: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly action: string; readonly ids: readonly string[] }
  | { readonly kind: 'thinking'; readonly text: string; readonly ids: readonly string[] }
  | { readonly kind: 'dropped'; readonly ids: readonly string[] };

/**
 * The text a thinking-tool call contributes to a thought: its single string argument
 * (`{"thought": "..."}`), a string argument as it is, nothing for no arguments (`{}`),
 * else the arguments as compact JSON.
 * @internal
 */
export function thinkingText(args: unknown): string {
  if (args === undefined || args === null) return '';
  if (typeof args === 'string') return args;
  if (isRecord(args)) {
    const values = Object.values(args);
    if (values.length === 0) return '';
    if (values.length === 1 && typeof values[0] === 'string') return values[0];
  }
  return JSON.stringify(args);
}

/**
 * The input, normalized: assistant turns, tool results (matched by id), and
 * other messages after the task (user replies, environment output), in order.
 * @internal
 */
export type ChatEvent =
  | { readonly kind: 'turn'; readonly parts: readonly TurnPart[]; readonly loc: Loc }
  | { readonly kind: 'invalid'; readonly error: TrajectoryError }
  | { readonly kind: 'result'; readonly ids: readonly string[]; readonly text: string; readonly isError: boolean; readonly loc: Loc }
  | { readonly kind: 'env'; readonly text: string };

/** @internal */
export interface BuildStepsOptions {
  readonly source: string | undefined;
  readonly textTurns: 'steps' | 'skip';
  readonly onInvalidTurn: OnError;
  readonly shareThought: 'first' | 'each';
  /** Which tool calls are steps (the readers apply it; `chatMeta` reports it). */
  readonly tools: ToolPolicy;
}

/** @internal */
export interface BuiltSteps {
  readonly steps: Step[];
  /** Turns dropped by `onInvalidTurn: 'skip'`. */
  readonly skippedTurns: number;
  /** Text steps dropped by `textTurns: 'skip'`. */
  readonly skippedTextTurns: number;
  /** Steps whose tool-call ids have no tool result. */
  readonly missingObservations: number;
  /** Tool results that answer no kept step. */
  readonly unmatchedToolResults: number;
  /** Indexes of steps whose tool result is marked as an error. */
  readonly toolErrorSteps: number[];
  /** Calls of a thinking tool (folded into a thought, or dropped). */
  readonly thinkingCalls: number;
  /** Calls of a thinking tool whose text reached no step (none followed). */
  readonly droppedThinkingCalls: number;
  /** Calls dropped by `dropTools` / `keepTools`. */
  readonly droppedToolCalls: number;
}

function joinTexts(texts: readonly string[]): string {
  return pyStrip(texts.filter((t) => pyStrip(t) !== '').join('\n\n'));
}

/**
 * Turns normalized chat events into steps.
 *
 * A tool result answers the latest earlier call with its id that has no result
 * yet (real logs reuse ids: tau-bench's gpt-4o runs repeat a call id in later
 * turns). A step's observation is the text of its tool result, then, for the
 * last step of a turn, the other messages between that turn and the next one
 * (a user's reply, environment output), joined by blank lines; it is undefined
 * when there is none. Actions and thoughts are stripped with Python's
 * `str.strip()` whitespace (as `parseStepOutput` strips the model's action);
 * observations are kept verbatim.
 *
 * Calls that are not steps (`thinking` and `dropped` parts) leave the text written
 * before them, and a thinking call its own text, to the thought of the next step,
 * in this turn or a later one; their results are dropped, and so are the messages
 * after a turn that made no step. A turn made only of such calls is not an error.
 * @internal
 */
export function buildChatSteps(events: readonly ChatEvent[], options: BuildStepsOptions): BuiltSteps {
  const steps: { action: string; thought?: string }[] = [];
  const results: string[][] = [];
  const others: string[][] = [];
  const waiting: boolean[] = [];
  const toolErrorSteps: number[] = [];
  // Call id -> the step it answers, or REMOVED for a call that is not a step.
  const REMOVED = -1;
  const pending = new Map<string, number>();
  let skippedTurns = 0;
  let skippedTextTurns = 0;
  let unmatchedToolResults = 0;
  let thinkingCalls = 0;
  let droppedThinkingCalls = 0;
  let droppedToolCalls = 0;
  // Where the messages after the current turn go: a step index, or -1 to drop them.
  let envTarget = -1;
  // Reasoning left by calls that are not steps, for the next step's thought, and
  // how many thinking calls it holds.
  let carried: string[] = [];
  let carriedThinking = 0;

  const addStep = (action: string, thought: string, ids: readonly string[]): void => {
    const step: { action: string; thought?: string } = { action };
    if (thought !== '') step.thought = thought;
    for (const id of ids) pending.set(id, steps.length);
    waiting.push(ids.length > 0);
    steps.push(step);
    results.push([]);
    others.push([]);
  };
  const dropCarried = (): void => {
    droppedThinkingCalls += carriedThinking;
    carried = [];
    carriedThinking = 0;
  };

  for (const event of events) {
    if (event.kind === 'result') {
      const targets = new Set<number>();
      let removed = false;
      for (const id of event.ids) {
        const k = pending.get(id);
        if (k === undefined) continue;
        pending.delete(id);
        if (k === REMOVED) removed = true;
        else targets.add(k);
      }
      if (targets.size === 0 && !removed) unmatchedToolResults++;
      for (const k of targets) {
        results[k]!.push(event.text);
        waiting[k] = false;
        if (event.isError && !toolErrorSteps.includes(k)) toolErrorSteps.push(k);
      }
      continue;
    }
    if (event.kind === 'env') {
      if (envTarget >= 0) others[envTarget]!.push(event.text);
      continue;
    }
    if (event.kind === 'invalid') {
      if (options.onInvalidTurn !== 'skip') throw event.error;
      skippedTurns++;
      envTarget = -1;
      continue;
    }

    const first = steps.length;
    // Reasoning carried from earlier turns, and left in this turn by calls that are not steps.
    let before = carried;
    let here: string[] = [];
    carried = [];
    // Reasoning written since the last call, and since the start of the turn.
    let sinceLast: { kind: 'thought' | 'text'; text: string }[] = [];
    const all: string[] = [];
    let sawAction = false;
    let sawRemoved = false;
    for (const part of event.parts) {
      if (part.kind === 'thought' || part.kind === 'text') {
        sinceLast.push(part);
        all.push(part.text);
        continue;
      }
      if (part.kind === 'thinking' || part.kind === 'dropped') {
        sawRemoved = true;
        for (const id of part.ids) pending.set(id, REMOVED);
        here.push(...sinceLast.map((p) => p.text));
        if (part.kind === 'thinking') {
          thinkingCalls++;
          carriedThinking++;
          here.push(part.text);
          all.push(part.text);
        } else {
          droppedToolCalls++;
        }
        sinceLast = [];
        continue;
      }
      sawAction = true;
      const own = options.shareThought === 'each' ? all : [...here, ...sinceLast.map((p) => p.text)];
      addStep(pyStrip(part.action), joinTexts([...before, ...own]), part.ids);
      before = [];
      here = [];
      carriedThinking = 0;
      sinceLast = [];
    }

    // Visible text after the last call (or in a turn without one) is a text step.
    const visible = joinTexts(sinceLast.filter((p) => p.kind === 'text').map((p) => p.text));
    if (visible !== '') {
      if (options.textTurns === 'steps') {
        const thought = [...before, ...here, ...sinceLast.filter((p) => p.kind === 'thought').map((p) => p.text)];
        addStep(visible, joinTexts(thought), []);
        before = [];
        here = [];
        carriedThinking = 0;
      } else {
        skippedTextTurns++;
        // The reasoning before a dropped reply goes with it.
        carried = [...before, ...here];
        dropCarried();
        before = [];
        here = [];
        if (!sawAction) {
          envTarget = -1;
          continue;
        }
      }
    }
    carried = [...before, ...here];

    if (steps.length === first) {
      if (sawRemoved) {
        // A turn of calls that are not steps: what answers it is dropped with them.
        envTarget = -1;
        continue;
      }
      const error = new TrajectoryError({
        source: options.source,
        line: event.loc.line,
        path: event.loc.path,
        expected: 'an assistant turn with an action (a tool call or text)',
        found: 'none',
      });
      if (options.onInvalidTurn !== 'skip') throw error;
      skippedTurns++;
      envTarget = -1;
      continue;
    }
    envTarget = steps.length - 1;
  }
  dropCarried();

  const finished = steps.map((step, i): Step => {
    const texts = [...results[i]!, ...others[i]!];
    if (texts.length === 0) return step;
    const nonEmpty = texts.filter((t) => t !== '');
    return { ...step, observation: nonEmpty.length === 0 ? '' : nonEmpty.join('\n\n') };
  });
  const missingObservations = waiting.filter((w) => w).length;
  return {
    steps: finished,
    skippedTurns,
    skippedTextTurns,
    missingObservations,
    unmatchedToolResults,
    toolErrorSteps,
    thinkingCalls,
    droppedThinkingCalls,
    droppedToolCalls,
  };
}

/**
 * Builds the `meta` of a parsed trajectory: the format, the source when known,
 * the counters that are not zero (and `skippedTurns` / `skippedTextTurns`
 * whenever their policy is `'skip'`, `droppedToolCalls` whenever `dropTools` or
 * `keepTools` is given), then `extra`.
 * @internal
 */
export function chatMeta(
  format: string,
  built: BuiltSteps,
  options: BuildStepsOptions,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const meta: Record<string, unknown> = { format };
  if (options.source !== undefined) meta.source = options.source;
  if (options.onInvalidTurn === 'skip') meta.skippedTurns = built.skippedTurns;
  if (options.textTurns === 'skip') meta.skippedTextTurns = built.skippedTextTurns;
  if (built.missingObservations > 0) meta.missingObservations = built.missingObservations;
  if (built.unmatchedToolResults > 0) meta.unmatchedToolResults = built.unmatchedToolResults;
  if (built.toolErrorSteps.length > 0) meta.toolErrorSteps = built.toolErrorSteps;
  if (built.thinkingCalls > 0) meta.thinkingCalls = built.thinkingCalls;
  if (built.droppedThinkingCalls > 0) meta.droppedThinkingCalls = built.droppedThinkingCalls;
  if (options.tools.drop !== undefined || options.tools.keep !== undefined) meta.droppedToolCalls = built.droppedToolCalls;
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) meta[key] = value;
  return meta;
}

/**
 * Throws when no step was found: a trajectory has at least one step.
 * @internal
 */
export function assertHasSteps(steps: readonly Step[], where: Where, path: string, value: unknown): void {
  if (steps.length === 0) fail(where, path, 'at least one agent step (an assistant turn with an action)', value);
}

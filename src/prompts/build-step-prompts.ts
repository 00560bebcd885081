import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import type { ParseStepOutputOptions } from '../reward/index.js';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import type { ChatMessage, Step, Trajectory } from '../trajectory/types.js';
import { assertTrajectory } from '../trajectory/validate-trajectory.js';
import { agentTemplate } from './agent-template.js';
import { mathTemplate } from './math-template.js';
import { composeSystemPrompt, resolveOutputFormat, srlSystemPrompt } from './system-message.js';
import { SRL_AGENT_INSTRUCTION, SRL_MATH_INSTRUCTION } from './system-prompts.js';
import { splitTask, type StepPromptContext, type StepPromptTemplate } from './template-context.js';
import type { StepPrompt } from './types.js';

const FN = 'buildStepPrompts';

/** Which steps become targets. */
export type TargetSteps =
  /** Every step, 1..N (what most re-implementations do; the default). */
  | 'all'
  /** Steps 1..N-1: the paper's literal "k in 1..N-1" (the last step is never a target). */
  | 'all-but-last'
  /** Your choice: called with the 0-based step index and the number of steps. */
  | ((stepIndex: number, totalSteps: number) => boolean);

/** Options of {@link buildStepPrompts} and `stepPromptStream`. */
export interface BuildStepPromptsOptions {
  /**
   * The layout: `'math'` (the paper's figure), `'agent'` (task plus the last
   * (action, observation) rounds), your own {@link StepPromptTemplate}, or `'auto'`
   * (default): `'agent'` when any step has an observation, else `'math'`.
   */
  readonly template?: 'auto' | 'math' | 'agent' | StepPromptTemplate | undefined;
  /** Which steps become targets (default `'all'`). */
  readonly targets?: TargetSteps | undefined;
  /**
   * How many previous expert steps to show: default all of them for maths, the last
   * 2 for agents (the paper's setting). `0` shows none.
   */
  readonly history?: number | undefined;
  /**
   * Show the target step's title as a hint (the paper's footnote: "2. **Coprime
   * Pairs**"), for steps that have a title. Default `false`.
   */
  readonly hint?: boolean | undefined;
  /**
   * The system message. By default (`undefined`) the built-in one: the template's SRL
   * instructions (the paper's maths prompt, or `SRL_AGENT_SYSTEM_PROMPT`), whose
   * response template is rendered from `parse`; when the task is a chat with its own
   * `system` (or `developer`) message, that text comes first, verbatim, between
   * `<task_instructions>` lines after a sentence that introduces it, and the SRL
   * instructions last (see docs/prompts.md, "The system message"). A string replaces
   * the whole system message (then stating the output format is up to you); `null` sends
   * no system message at all (the task's own system text is then not sent either).
   */
  readonly systemPrompt?: string | null | undefined;
  /**
   * The options the outputs will be parsed and scored with: the same
   * `ParseStepOutputOptions` object you give `stepReward(output, target, { parse })` and
   * `parseStepOutput`. The built-in system message states that format: `thinkTag:
   * 'reasoning'` asks for `<reasoning>...</reasoning>`, and `unwrapSolution` (`true` or
   * `'require'`) for the action inside `<solution>...</solution>` (or `solutionTag`).
   * `requireThink: false` and `implicitOpen` accept the format as stated, so they do not
   * change the text. Checked like `stepReward` checks it: an unknown key or a bad value
   * is a `TypeError`. Default: the default parse options (`<think>...</think>`, then the action).
   */
  readonly parse?: ParseStepOutputOptions | undefined;
  /** The instruction that ends the user message (defaults per template). */
  readonly instruction?: string | undefined;
  /**
   * Cut each observation shown to this many characters, marking the cut (agent
   * template). Default: no cut.
   */
  readonly maxObservationLength?: number | undefined;
  /**
   * A token budget for each prompt: the oldest history steps are dropped until the
   * prompt fits; the task and the instruction are never dropped. Needs `countTokens`.
   */
  readonly maxPromptTokens?: number | undefined;
  /**
   * Counts the tokens of a prompt's messages, e.g. with `createTokenCounter` and
   * `countChatTokens` for your model's tokenizer and chat template.
   */
  readonly countTokens?: ((messages: readonly ChatMessage[]) => number) | undefined;
  /**
   * When even the task and instruction alone exceed `maxPromptTokens`: `'error'`
   * (default) throws a `TrajectoryError`; `'keep'` keeps the prompt with no history and
   * marks it `meta.srl.overBudget`.
   */
  readonly overBudget?: 'error' | 'keep' | undefined;
  /** A name for the input in error messages (a file name). */
  readonly source?: string | undefined;
}

/** The keys of {@link BuildStepPromptsOptions}. @internal */
export const BUILD_OPTION_KEYS = optionKeys<BuildStepPromptsOptions>({
  template: true,
  targets: true,
  history: true,
  hint: true,
  systemPrompt: true,
  parse: true,
  instruction: true,
  maxObservationLength: true,
  maxPromptTokens: true,
  countTokens: true,
  overBudget: true,
  source: true,
});

/** What `buildStepPrompts` records about each prompt in `meta.srl`. */
export interface StepPromptInfo {
  /** The template used: `'math'`, `'agent'` or `'custom'`. */
  readonly template: 'math' | 'agent' | 'custom';
  /** Number of previous steps shown. */
  readonly historyShown: number;
  /** Previous steps left out by the history window. */
  readonly droppedByWindow: number;
  /** Previous steps left out to fit the token budget (oldest first). */
  readonly droppedByBudget: number;
  /** Observations cut by `maxObservationLength`. */
  readonly observationsCut: number;
  /** The prompt's token count, when a budget was given. */
  readonly promptTokens?: number;
  /** True when the prompt is over budget even without history (`overBudget: 'keep'`). */
  readonly overBudget?: boolean;
  /** The hint shown, if any. */
  readonly hint?: string;
}

interface Resolved {
  readonly template: StepPromptTemplate;
  readonly templateName: 'math' | 'agent' | 'custom';
  readonly history: number;
  readonly hint: boolean;
  readonly systemPrompt: string | null;
  readonly instruction: string;
  readonly targets: (stepIndex: number, totalSteps: number) => boolean;
  readonly maxObservationLength: number | undefined;
  readonly budget: { readonly max: number; readonly count: (messages: readonly ChatMessage[]) => number } | undefined;
  readonly overBudget: 'error' | 'keep';
}

function optionError(name: string, expected: string, value: unknown): TypeError {
  const got = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? String(value) : describeType(value);
  return new TypeError(`${FN}: option '${name}' must be ${expected}, got ${got}`);
}

function nonNegativeInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === Infinity) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw optionError(name, 'a non-negative integer', value);
  return value;
}

function resolveOptions(trajectory: Trajectory, options: BuildStepPromptsOptions): Resolved {
  const { template = 'auto' } = options;
  let templateName: Resolved['templateName'];
  let fn: StepPromptTemplate;
  if (typeof template === 'function') {
    templateName = 'custom';
    fn = template;
  } else if (template === 'math' || template === 'agent' || template === 'auto') {
    templateName =
      template === 'auto' ? (trajectory.steps.some((s) => s.observation !== undefined) ? 'agent' : 'math') : template;
    fn = templateName === 'agent' ? agentTemplate : mathTemplate;
  } else {
    throw optionError('template', "'auto', 'math', 'agent' or a function", template);
  }
  const agent = templateName === 'agent';
  const history = nonNegativeInteger(options.history, 'history') ?? (agent ? 2 : Infinity);
  const hint = options.hint ?? false;
  if (typeof hint !== 'boolean') throw optionError('hint', 'a boolean', hint);
  const { systemPrompt } = options;
  if (systemPrompt !== undefined && systemPrompt !== null && typeof systemPrompt !== 'string') {
    throw optionError('systemPrompt', 'a string or null', systemPrompt);
  }
  const instruction = options.instruction ?? (agent ? SRL_AGENT_INSTRUCTION : SRL_MATH_INSTRUCTION);
  if (typeof instruction !== 'string') throw optionError('instruction', 'a string', instruction);
  const { targets = 'all' } = options;
  let targetFn: Resolved['targets'];
  if (targets === 'all') targetFn = () => true;
  else if (targets === 'all-but-last') targetFn = (k, n) => k < n - 1;
  else if (typeof targets === 'function') targetFn = targets;
  else throw optionError('targets', "'all', 'all-but-last' or a function", targets);
  const maxObservationLength = nonNegativeInteger(options.maxObservationLength, 'maxObservationLength');
  const max = nonNegativeInteger(options.maxPromptTokens, 'maxPromptTokens');
  const { countTokens } = options;
  if (countTokens !== undefined && typeof countTokens !== 'function') throw optionError('countTokens', 'a function', countTokens);
  if (max !== undefined && countTokens === undefined) {
    throw new TypeError(`${FN}: option 'maxPromptTokens' needs 'countTokens' (e.g. from createTokenCounter)`);
  }
  const overBudget = options.overBudget ?? 'error';
  if (overBudget !== 'error' && overBudget !== 'keep') throw optionError('overBudget', "'error' or 'keep'", overBudget);
  const format = resolveOutputFormat(options.parse, FN);
  const resolvedSystem =
    systemPrompt !== undefined ? systemPrompt : composeSystemPrompt(srlSystemPrompt(agent ? 'agent' : 'math', format), splitTask(trajectory.task).system);
  return {
    template: fn,
    templateName,
    history,
    hint,
    systemPrompt: resolvedSystem,
    instruction,
    targets: targetFn,
    maxObservationLength,
    budget: max !== undefined && countTokens !== undefined ? { max, count: countTokens } : undefined,
    overBudget,
  };
}

/** The step itself, or a copy with its observation cut to `max` characters (marked). */
function cutObservation(step: Step, max: number | undefined): Step {
  const obs = step.observation;
  if (max === undefined || obs === undefined || obs.length <= max) return step;
  return { ...step, observation: `${obs.slice(0, max)}\n[... ${obs.length - max} characters cut]` };
}

function checkMessages(messages: unknown, stepIndex: number, source: string | undefined): readonly ChatMessage[] {
  const path = `$.steps[${stepIndex}]`;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new TrajectoryError({ source, path, expected: 'the template to return a non-empty array of messages', found: describeType(messages) });
  }
  messages.forEach((m: unknown, i) => {
    const ok = m !== null && typeof m === 'object' && typeof (m as ChatMessage).role === 'string' && typeof (m as ChatMessage).content === 'string';
    if (!ok) {
      throw new TrajectoryError({ source, path, expected: `message ${i} of the template to be { role: string, content: string }`, found: describeType(m) });
    }
  });
  return messages as readonly ChatMessage[];
}

/**
 * Turns one expert trajectory into SRL training prompts (paper §1-2): for each
 * target step k, a chat that shows the task and the expert's steps before k and asks
 * for the next step, and the expert's step k as the `target` that `stepReward`
 * compares the model's action against.
 *
 * The maths template follows the paper's figure and system prompt; the agent
 * template shows the task and the last expert (action, observation) rounds. Options
 * choose the targets, the history window, a title hint, the prompts, and a token
 * budget that drops the oldest history first (never the task or the instruction)
 * and says in `meta.srl` what it dropped.
 *
 * The system message states the output format the reward parses, rendered from
 * `options.parse` (the `ParseStepOutputOptions` you give `stepReward`); a chat task's
 * own system text (a policy, an agent's command reference) is kept verbatim before it,
 * in a `<task_instructions>` section (docs/prompts.md, "The system message").
 *
 * @param trajectory - A {@link Trajectory} (checked: a `TrajectoryError` names the bad field).
 * @returns One prompt per target step, in step order.
 * @throws TrajectoryError for an invalid trajectory, a custom template that returns no
 *   messages, or a prompt over budget even without history (`overBudget: 'error'`).
 * @throws TypeError for an invalid option, or a key of `options` that is not an option
 *   (the message names the nearest one: `systemprompt` -> `systemPrompt`).
 * @example
 * ```ts
 * import { buildStepPrompts } from 'srl-kit';
 * const prompts = buildStepPrompts({
 *   id: 'p1',
 *   task: 'What is 2 + 3 * 4?',
 *   steps: [{ action: '1. **Multiply**: 3 * 4 = 12' }, { action: '2. **Add**: 2 + 12 = 14' }],
 * });
 * prompts.length;               //=> 2
 * prompts[1].target;            //=> '2. **Add**: 2 + 12 = 14'
 * prompts[1].messages[1].content.includes('Solution:\n1. **Multiply**: 3 * 4 = 12'); //=> true
 *
 * // Scoring with a custom think tag: one parse object for the prompts and the reward.
 * const parse = { thinkTag: 'reasoning' };
 * const [p] = buildStepPrompts({ task: [{ role: 'system', content: 'Refund only with a receipt.' }, { role: 'user', content: 'Refund me.' }], steps: [{ action: 'ask_receipt()', observation: 'here' }] }, { parse });
 * p.messages[0].content.startsWith('The task has its own instructions'); //=> true
 * p.messages[0].content.includes('<task_instructions>\nRefund only with a receipt.\n</task_instructions>'); //=> true
 * p.messages[0].content.includes('template below:<reasoning> '); //=> true
 * stepReward('<reasoning>no receipt yet</reasoning> ask_receipt()', p.target, { parse }); //=> 1
 * ```
 */
export function buildStepPrompts(trajectory: Trajectory, options: BuildStepPromptsOptions = {}): StepPrompt[] {
  assertOptions(options, FN);
  assertKnownKeys(options, BUILD_OPTION_KEYS, FN);
  const { source } = options;
  assertTrajectory(trajectory, source === undefined ? {} : { source });
  const r = resolveOptions(trajectory, options);
  const steps = trajectory.steps;
  const total = steps.length;
  const prompts: StepPrompt[] = [];
  for (let k = 0; k < total; k++) {
    if (!r.targets(k, total)) continue;
    const step = steps[k] as Step;
    const windowStart = Math.max(0, k - r.history);
    const hint = r.hint && step.title !== undefined && step.title !== '' ? `${k + 1}. **${step.title}**` : undefined;
    const shown = steps.slice(windowStart, k).map((s) => cutObservation(s, r.maxObservationLength));
    const render = (drop: number): readonly ChatMessage[] => {
      const context: StepPromptContext = {
        trajectory,
        stepIndex: k,
        history: shown.slice(drop),
        historyStart: windowStart + drop,
        systemPrompt: r.systemPrompt,
        instruction: r.instruction,
        hint,
      };
      return checkMessages(r.template(context), k, source);
    };

    let drop = 0;
    let messages = render(0);
    let promptTokens: number | undefined;
    let overBudget = false;
    if (r.budget !== undefined) {
      const { max, count } = r.budget;
      const tokens = (m: readonly ChatMessage[]): number => {
        const n = count(m);
        if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
          throw new TypeError(`${FN}: countTokens returned ${typeof n === 'number' ? String(n) : describeType(n)}, expected a non-negative number`);
        }
        return n;
      };
      promptTokens = tokens(messages);
      if (promptTokens > max) {
        // Fewest dropped steps that fit: token counts fall as steps are dropped, so bisect.
        let lo = 1;
        let hi = shown.length;
        let best: { drop: number; messages: readonly ChatMessage[]; tokens: number } | undefined;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          const m = render(mid);
          const t = tokens(m);
          if (t <= max) {
            best = { drop: mid, messages: m, tokens: t };
            hi = mid - 1;
          } else {
            lo = mid + 1;
          }
        }
        if (best !== undefined) {
          ({ drop, messages, tokens: promptTokens } = best);
        } else {
          drop = shown.length;
          messages = render(drop);
          promptTokens = tokens(messages);
          if (r.overBudget === 'error') {
            throw new TrajectoryError({
              source,
              path: `$.steps[${k}]`,
              expected: `a prompt of at most ${max} tokens with the task and instruction alone`,
              found: `${promptTokens} tokens`,
            });
          }
          overBudget = true;
        }
      }
    }
    const info: StepPromptInfo = {
      template: r.templateName,
      historyShown: shown.length - drop,
      droppedByWindow: windowStart,
      droppedByBudget: drop,
      // A cut observation is a copy of its step.
      observationsCut: shown.slice(drop).filter((s, i) => s !== steps[windowStart + drop + i]).length,
      ...(promptTokens !== undefined ? { promptTokens } : {}),
      ...(overBudget ? { overBudget } : {}),
      ...(hint !== undefined ? { hint } : {}),
    };
    prompts.push({
      messages,
      target: step.action,
      stepIndex: k,
      totalSteps: total,
      ...(trajectory.id !== undefined ? { trajectoryId: trajectory.id } : {}),
      meta: { ...trajectory.meta, srl: info },
    });
  }
  return prompts;
}

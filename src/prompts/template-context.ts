import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import type { ChatMessage, Step, Trajectory } from '../trajectory/types.js';

/**
 * What a step-prompt template is given to build the chat for one target step.
 */
export interface StepPromptContext {
  /** The whole trajectory. */
  readonly trajectory: Trajectory;
  /** 0-based index of the target step. */
  readonly stepIndex: number;
  /** The expert steps shown as history, oldest first (after the history window and the token budget). */
  readonly history: readonly Step[];
  /** Index in `trajectory.steps` of `history[0]` (equal to `stepIndex` when the history is empty). */
  readonly historyStart: number;
  /**
   * The system message to send, or `null` for none: the `systemPrompt` option, or the
   * built-in one (the task's own system text, then the SRL instructions in the format
   * of the `parse` option), already composed.
   */
  readonly systemPrompt: string | null;
  /** The instruction that ends the user message. */
  readonly instruction: string;
  /** The hint to show (e.g. `2. **Coprime Pairs**`), when hints are on and the step has a title. */
  readonly hint: string | undefined;
}

/**
 * A step-prompt template: the chat for one target step. The built-in ones are
 * {@link mathTemplate} and {@link agentTemplate}; pass your own to `buildStepPrompts`.
 */
export type StepPromptTemplate = (context: StepPromptContext) => readonly ChatMessage[];

const CONTEXT_KEYS = optionKeys<StepPromptContext>({
  trajectory: true,
  stepIndex: true,
  history: true,
  historyStart: true,
  systemPrompt: true,
  instruction: true,
  hint: true,
});

/**
 * Throws a `TypeError` naming the template `fn` when `context` has a key that is
 * not a field of {@link StepPromptContext} (a misspelled `systemprompt` would
 * otherwise give a system message with no content).
 * @internal
 */
export function assertContextKeys(context: unknown, fn: string): void {
  assertKnownKeys(context, CONTEXT_KEYS, fn, 'context');
}

/**
 * The roles whose messages in a chat task are the task's own system text: `system`,
 * and OpenAI's `developer` (the newer models' name for it).
 */
const SYSTEM_ROLES: readonly string[] = Object.freeze(['system', 'developer']);

/**
 * The task as text (a chat task: its other messages joined by blank lines) and its own
 * system text, if any: the contents of its `system` and `developer` messages, verbatim,
 * joined by blank lines (messages that are empty or only whitespace left out;
 * `undefined` when nothing is left).
 * @internal
 */
export function splitTask(task: Trajectory['task']): { text: string; system: string | undefined } {
  if (typeof task === 'string') return { text: task, system: undefined };
  const own = task.filter((m) => SYSTEM_ROLES.includes(m.role) && m.content.trim() !== '').map((m) => m.content);
  const text = task
    .filter((m) => !SYSTEM_ROLES.includes(m.role))
    .map((m) => m.content)
    .join('\n\n');
  return { text, system: own.length === 0 ? undefined : own.join('\n\n') };
}

/**
 * The system message to send, if any.
 * @internal
 */
export function systemMessages(systemPrompt: string | null): ChatMessage[] {
  return systemPrompt === null ? [] : [{ role: 'system', content: systemPrompt }];
}

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
  /** The system prompt to use, or `null` for none. */
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
 * The task as text (a chat task: its non-system messages joined by blank lines) and
 * its own system message, if any.
 * @internal
 */
export function splitTask(task: Trajectory['task']): { text: string; system: string | undefined } {
  if (typeof task === 'string') return { text: task, system: undefined };
  const system = task.find((m) => m.role === 'system')?.content;
  const text = task
    .filter((m) => m.role !== 'system')
    .map((m) => m.content)
    .join('\n\n');
  return { text, system };
}

/**
 * The system message to send, if any.
 * @internal
 */
export function systemMessages(systemPrompt: string | null): ChatMessage[] {
  return systemPrompt === null ? [] : [{ role: 'system', content: systemPrompt }];
}

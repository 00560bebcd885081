import { assertContextKeys, splitTask, systemMessages, type StepPromptContext } from './template-context.js';
import type { ChatMessage } from '../trajectory/types.js';

/**
 * The maths step-prompt template, laid out as the paper's figure: the system
 * prompt, then one user message with `Question:` and the task, `Solution:` and the
 * expert's previous steps (each step's action, one per line), the hint when asked
 * for, and the instruction.
 *
 * A key of `context` that is not a field of {@link StepPromptContext} is a `TypeError`
 * naming the nearest field.
 *
 * @example
 * ```ts
 * import { mathTemplate } from 'srl-kit';
 * const [system, user] = mathTemplate({
 *   trajectory: { task: 'What is 2 + 3 * 4?', steps: [{ action: '1. 3 * 4 = 12' }, { action: '2. 2 + 12 = 14' }] },
 *   stepIndex: 1,
 *   history: [{ action: '1. 3 * 4 = 12' }],
 *   historyStart: 0,
 *   systemPrompt: 'You are a helpful assistant.',
 *   instruction: 'Complete a single step of the partial solution: provide only the very next step.',
 *   hint: undefined,
 * });
 * user.content;
 * //=> 'Question: What is 2 + 3 * 4?\n\nSolution:\n1. 3 * 4 = 12\n\nComplete a single step of the partial solution: provide only the very next step.'
 * ```
 */
export function mathTemplate(context: StepPromptContext): ChatMessage[] {
  assertContextKeys(context, 'mathTemplate');
  const { text } = splitTask(context.trajectory.task);
  const solution = context.history.map((step) => step.action).join('\n');
  const parts = [`Question: ${text}`, solution === '' ? 'Solution:' : `Solution:\n${solution}`];
  if (context.hint !== undefined) parts.push(`Next step: ${context.hint}`);
  parts.push(context.instruction);
  return [...systemMessages(context.systemPrompt), { role: 'user', content: parts.join('\n\n') }];
}

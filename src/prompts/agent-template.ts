import { assertContextKeys, splitTask, systemMessages, type StepPromptContext } from './template-context.js';
import type { ChatMessage } from '../trajectory/types.js';

/**
 * The agent step-prompt template (paper §1: the task plus the last expert
 * (action, observation) rounds): the system prompt, then one user message with the
 * task, the previous rounds numbered as in the trajectory, and the instruction.
 * The target is the next action alone.
 *
 * A key of `context` that is not a field of {@link StepPromptContext} is a `TypeError`
 * naming the nearest field.
 *
 * @example
 * ```ts
 * import { agentTemplate } from 'srl-kit';
 * const [, user] = agentTemplate({
 *   trajectory: { task: 'Fix the failing test.', steps: [{ action: 'ls', observation: 'src tests' }, { action: 'cat tests/a.py' }] },
 *   stepIndex: 1,
 *   history: [{ action: 'ls', observation: 'src tests' }],
 *   historyStart: 0,
 *   systemPrompt: null,
 *   instruction: 'Provide only the very next action.',
 *   hint: undefined,
 * });
 * user.content;
 * //=> 'Fix the failing test.\n\nPrevious actions (1 of 1):\n\nAction 1:\nls\n\nObservation 1:\nsrc tests\n\nProvide only the very next action.'
 * ```
 */
export function agentTemplate(context: StepPromptContext): ChatMessage[] {
  assertContextKeys(context, 'agentTemplate');
  const { text } = splitTask(context.trajectory.task);
  const parts = [text];
  const { history, historyStart, stepIndex } = context;
  if (history.length > 0) {
    parts.push(`Previous actions (${history.length} of ${stepIndex}):`);
    history.forEach((step, i) => {
      const n = historyStart + i + 1;
      parts.push(`Action ${n}:\n${step.action}`);
      if (step.observation !== undefined) parts.push(`Observation ${n}:\n${step.observation}`);
    });
  } else if (stepIndex > 0) {
    parts.push(`Previous actions: ${stepIndex}, not shown.`);
  }
  if (context.hint !== undefined) parts.push(`Next action: ${context.hint}`);
  parts.push(context.instruction);
  return [...systemMessages(context.systemPrompt), { role: 'user', content: parts.join('\n\n') }];
}

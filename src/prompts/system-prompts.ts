/**
 * The system prompt of the SRL paper's maths experiments, verbatim from its appendix
 * (Deng et al., 2025). The paper prints it as three lines; they are joined with `\n`.
 *
 * @example
 * ```ts
 * import { SRL_MATH_SYSTEM_PROMPT } from 'srl-kit';
 * SRL_MATH_SYSTEM_PROMPT.startsWith('You are a helpful assistant for solving mathematical problems.'); //=> true
 * ```
 */
export const SRL_MATH_SYSTEM_PROMPT: string = [
  'You are a helpful assistant for solving mathematical problems. A user will provide a math problem, which may include a partial solution. Your task is to continue the solution by providing the very next logical step.',
  'A user will ask you to solve a task. You should first draft your thinking process (inner monologue). Then, generate the solution.',
  'Your response format must follow the template below:<think> Your thoughts or/and draft, like working through an exercise on scratch paper. Be as casual and as long as you want until you are confident to generate a correct solution.</think> Provide only the single, next step to continue the solution. Do not solve the entire problem.',
].join('\n');

/**
 * The default system prompt of the agent template: the paper's maths prompt
 * adapted to one environment action per step (the paper does not print its
 * software-engineering prompt). Override it with the `systemPrompt` option.
 *
 * @example
 * ```ts
 * import { SRL_AGENT_SYSTEM_PROMPT } from 'srl-kit';
 * SRL_AGENT_SYSTEM_PROMPT.includes('<think>'); //=> true
 * ```
 */
export const SRL_AGENT_SYSTEM_PROMPT: string = [
  'You are a helpful assistant that solves tasks by acting in an environment, one action at a time. A user will provide a task, and the most recent actions taken so far with what the environment returned. Your task is to provide the very next action.',
  'You should first draft your thinking process (inner monologue). Then, generate the action.',
  'Your response format must follow the template below:<think> Your thoughts or/and draft, like working through an exercise on scratch paper. Be as casual and as long as you want until you are confident to generate a correct action.</think> Provide only the single, next action. Do not solve the entire task at once.',
].join('\n');

/**
 * The default instruction that ends the user message of the maths template (the
 * paper's figure shows "Complete a single step of partial solution..."; its full
 * text was not published).
 *
 * @example
 * ```ts
 * import { SRL_MATH_INSTRUCTION } from 'srl-kit';
 * SRL_MATH_INSTRUCTION; //=> 'Complete a single step of the partial solution: provide only the very next step.'
 * ```
 */
export const SRL_MATH_INSTRUCTION = 'Complete a single step of the partial solution: provide only the very next step.';

/**
 * The default instruction that ends the user message of the agent template.
 *
 * @example
 * ```ts
 * import { SRL_AGENT_INSTRUCTION } from 'srl-kit';
 * SRL_AGENT_INSTRUCTION; //=> 'Provide only the very next action.'
 * ```
 */
export const SRL_AGENT_INSTRUCTION = 'Provide only the very next action.';

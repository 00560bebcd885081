/**
 * Step prompts (paper §1-2): one expert trajectory becomes one training prompt per
 * step, asking for the next step given the task and the expert's steps so far; plus
 * the exact text a chat template makes of them, and token budgets.
 *
 * Import from `srl-kit/prompts` (or `srl-kit`). No tensor library, no Node-only
 * built-ins; `@huggingface/tokenizers` is loaded only by `createTokenCounter`.
 *
 * @module prompts
 */
export type { StepPrompt } from './types.js';
export { buildStepPrompts } from './build-step-prompts.js';
export type { BuildStepPromptsOptions, StepPromptInfo, TargetSteps } from './build-step-prompts.js';
export { stepPromptStream } from './step-prompt-stream.js';
export type { StepPromptStreamOptions } from './step-prompt-stream.js';
export { mathTemplate } from './math-template.js';
export { agentTemplate } from './agent-template.js';
export type { StepPromptContext, StepPromptTemplate } from './template-context.js';
export { SRL_AGENT_INSTRUCTION, SRL_AGENT_SYSTEM_PROMPT, SRL_MATH_INSTRUCTION, SRL_MATH_SYSTEM_PROMPT } from './system-prompts.js';
export { renderChatTemplate } from './render-chat-template.js';
export type { AddedTokenLike, NamedChatTemplate, RenderChatTemplateOptions, TokenizerConfig } from './render-chat-template.js';
export { countChatTokens, createTokenCounter } from './token-counter.js';
export type { CountChatTokensOptions, CreateTokenCounterOptions, TokenCounter, TokenizerFiles } from './token-counter.js';

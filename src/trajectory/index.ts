/**
 * Expert trajectories (paper §1): the `Trajectory` model, parsers for the formats
 * agents and datasets already use, and one error class that names the position of
 * bad input.
 *
 * Import from `srl-kit/trajectory` (or `srl-kit`). Parsers take strings or parsed
 * JSON and do no I/O (reading files is `srl-kit/io`'s job), so this module runs in
 * browsers too.
 *
 * @module trajectory
 */
export type { ChatMessage, Step, Trajectory } from './types.js';
export { TrajectoryError } from './trajectory-error.js';
export type { TrajectoryErrorDetails } from './trajectory-error.js';
export { createSkipReport } from './error-policy.js';
export type { OnError, SkipReport } from './error-policy.js';
export { assertTrajectory } from './validate-trajectory.js';
export type { ValidateOptions } from './validate-trajectory.js';
export { mapSteps } from './map-steps.js';
export { renderToolCall, renderToolCallXml } from './render-tool-call.js';
export type { ToolCall, ToolCallRenderer } from './render-tool-call.js';
export type { ChatParseOptions, ToolSelectionOptions, TrajectoryParseOptions } from './parse-options.js';
export { parseOpenAIMessages } from './parse-openai-messages.js';
export { parseTauBenchRecord } from './parse-tau-bench-record.js';
export { parseAnthropicMessages } from './parse-anthropic-messages.js';
export { parseClaudeCodeTranscript } from './parse-claude-code-transcript.js';
export type { ParseClaudeCodeTranscriptOptions } from './parse-claude-code-transcript.js';
export { parseSweAgentTrajectory } from './parse-sweagent-trajectory.js';
export type { ParseSweAgentTrajectoryOptions } from './parse-sweagent-trajectory.js';
export { parseMiniSweAgent } from './parse-mini-swe-agent.js';
export type { ParseMiniSweAgentOptions } from './parse-mini-swe-agent.js';
export { parseOpenHandsEvents } from './parse-openhands-events.js';
export type { ParseOpenHandsEventsOptions } from './parse-openhands-events.js';
export { parseNumberedSolution } from './parse-numbered-solution.js';
export type { ParsedSolution, ParseNumberedSolutionOptions, SolutionFallback, SolutionFormat, StepSpan } from './parse-numbered-solution.js';
export { splitParagraphs } from './split-paragraphs.js';
export type { SplitParagraphsOptions } from './split-paragraphs.js';
export { stripThinking } from './strip-thinking.js';
export type { StripThinkingOptions, ThinkingFormat, ThinkingSplit } from './strip-thinking.js';
export { splitThought } from './split-thought.js';
export { parseLongCoT } from './parse-long-cot.js';
export type { ParsedLongCoT, ParseLongCoTOptions } from './parse-long-cot.js';
export { parseGsm8kSolution } from './parse-gsm8k-solution.js';
export type { Gsm8kSolution, ParseGsm8kSolutionOptions } from './parse-gsm8k-solution.js';

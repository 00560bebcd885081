import { assertHasSteps, buildChatSteps, chatMeta } from './_chat-steps.js';
import { isRecord, pathKey, readArray } from './_json-path.js';
import { assertTask, normalizeOpenAIMessages, OPENAI_ROLES } from './_openai.js';
import { argumentError, CHAT_OPTION_KEYS, resolveChatOptions, type ResolvedChatOptions } from './_options.js';
import type { ChatParseOptions } from './parse-options.js';
import type { Trajectory } from './types.js';

const FN = 'parseOpenAIMessages';
const OPENAI_FORMAT: MessageFormat = { roles: OPENAI_ROLES, name: 'OpenAI chat messages' };

/** The roles and the name of a format of OpenAI-style messages, for errors. @internal */
export interface MessageFormat {
  readonly roles: readonly string[];
  readonly name: string;
}

/**
 * Builds a trajectory from OpenAI chat messages found at JSON path `base`.
 * @internal
 */
export function openAITrajectory(
  messages: readonly unknown[],
  base: string,
  resolved: ResolvedChatOptions,
  format: string,
  id: string | undefined,
  messageFormat: MessageFormat,
  extraMeta: Readonly<Record<string, unknown>> = {},
): Trajectory {
  const where = { source: resolved.source };
  const { roles, name } = messageFormat;
  const { task, events } = normalizeOpenAIMessages(
    messages,
    base,
    where,
    resolved.render,
    resolved.taskRoles,
    roles,
    name,
    resolved.build.tools,
  );
  assertTask(task, where, base, resolved.taskRoles);
  const built = buildChatSteps(events, resolved.build);
  assertHasSteps(built.steps, where, base, messages);
  const finalId = resolved.id ?? id;
  return {
    ...(finalId !== undefined && { id: finalId }),
    task,
    steps: built.steps,
    meta: chatMeta(format, built, resolved.build, extraMeta),
  };
}

/**
 * Parses an OpenAI-format chat (Chat Completions messages, as tau-bench, SWE-agent
 * and most agent logs record them) into a {@link Trajectory}.
 *
 * - **Task**: the messages before the first assistant message (system prompt,
 *   user request), as {@link ChatMessage}s; `taskRoles` keeps only some roles.
 * - **Steps**: one per tool call. The action is the call rendered by
 *   `renderToolCall` (default {@link renderToolCall}: `name({"arg":...})`, the
 *   `arguments` string parsed as JSON and written back compactly). The thought is
 *   the assistant message's text (and its `reasoning_content`), given to its
 *   first tool call only unless `shareThought: 'each'`. The observation is the
 *   content of the role "tool" message whose `tool_call_id` matches the call's
 *   id, matched by id, not by position: the first such message after the call
 *   (real logs reuse ids across turns). It is undefined when there is none
 *   (counted in `meta.missingObservations`, not an error: a run cut off after its
 *   last call).
 * - **Text turns**: an assistant message with text and no tool call (a reply to
 *   the user) is a step too, its action the text and its observation the user's
 *   answer; `textTurns: 'skip'` drops them.
 * - Messages other than tool results after a turn (a user's interjection) are
 *   appended to the observation of the turn's last step, after a blank line.
 * - **Thinking tools are not steps** (`thinkingTools`, default `['think']`): the text of
 *   such a call (its `thought`) goes before the thought of the next step, its (empty)
 *   result is dropped. `dropTools` / `keepTools` drop calls by tool name. See
 *   {@link ToolSelectionOptions}.
 * - Actions and thoughts are stripped (Python `str.strip()`); observations are verbatim.
 * - **Roles**: exactly those of the Chat Completions API: `system`, `developer`,
 *   `user`, `assistant`, `tool`, and the legacy `function` (the result of a
 *   `function_call`, kept like a user's interjection). Any other role is a
 *   {@link TrajectoryError} at `$[i].role`, and so is a `taskRoles` entry that is not one of them
 *   (a `TypeError`).
 *
 * `meta` holds `format: 'openai-messages'`, `source`, and the counters
 * `skippedTurns`, `skippedTextTurns`, `missingObservations`, `unmatchedToolResults`,
 * `thinkingCalls`, `droppedThinkingCalls` and `droppedToolCalls` when they apply.
 *
 * @param messages - An array of messages, or an object with a `messages` array (a request body, a dataset row).
 * @param options - Source label, id, renderer, task roles and the policies above.
 * @returns The trajectory.
 * @throws TypeError when `messages` is neither an array nor an object, an option is invalid,
 *   or `options` has a key that is not an option (the error names the nearest one).
 * @throws {@link TrajectoryError} with the JSON path (`$[3].tool_calls[0].function.arguments`) of
 *   a malformed message, a role the format does not define, arguments that are not JSON, an
 *   assistant message with neither text nor tool calls, no task, or no step.
 * @example
 * ```ts
 * import { parseOpenAIMessages } from 'srl-kit';
 * const t = parseOpenAIMessages([
 *   { role: 'user', content: 'What is in /tmp?' },
 *   { role: 'assistant', content: 'Let me look.', tool_calls: [
 *     { id: 'c1', type: 'function', function: { name: 'bash', arguments: '{"command": "ls /tmp"}' } }] },
 *   { role: 'tool', tool_call_id: 'c1', content: 'a.txt' },
 *   { role: 'assistant', content: 'It holds a.txt.' },
 * ]);
 * t.steps[0]; //=> { action: 'bash({"command":"ls /tmp"})', thought: 'Let me look.', observation: 'a.txt' }
 * t.steps[1]; //=> { action: 'It holds a.txt.' }
 * ```
 */
export function parseOpenAIMessages(messages: unknown, options?: ChatParseOptions): Trajectory {
  const resolved = resolveChatOptions(options, FN, CHAT_OPTION_KEYS, OPENAI_ROLES);
  if (Array.isArray(messages)) return openAITrajectory(messages, '$', resolved, 'openai-messages', undefined, OPENAI_FORMAT);
  if (!isRecord(messages)) throw argumentError(FN, 'messages', 'an array of messages or an object with a messages array', messages);
  const path = pathKey('$', 'messages');
  const list = readArray(messages.messages, { source: resolved.source }, path, 'an array of messages');
  return openAITrajectory(list, path, resolved, 'openai-messages', undefined, OPENAI_FORMAT);
}

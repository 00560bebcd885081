import { anthropicAssistantParts, anthropicText, anthropicUserEvents } from './_anthropic.js';
import { assertHasSteps, buildChatSteps, chatMeta, type ChatEvent } from './_chat-steps.js';
import { isRecord, pathIndex, pathKey, readArray, readRecord, readRole } from './_json-path.js';
import { assertTask, turnEvent } from './_openai.js';
import { argumentError, CHAT_OPTION_KEYS, resolveChatOptions } from './_options.js';
import type { ChatParseOptions } from './parse-options.js';
import type { ChatMessage, Trajectory } from './types.js';

const FN = 'parseAnthropicMessages';
/** The roles of Anthropic Messages: the system prompt is not a message but the top-level `system`. */
const ANTHROPIC_ROLES: readonly string[] = Object.freeze(['user', 'assistant']);

/**
 * Parses an Anthropic Messages API conversation into a {@link Trajectory}.
 *
 * - **Task**: the top-level `system` prompt (when an object `{system, messages}`
 *   is given) and the messages before the first assistant message, as
 *   {@link ChatMessage}s whose content is the text of their blocks; `taskRoles`
 *   keeps only some roles.
 * - **Steps**: one per `tool_use` block, in order. The action is the call rendered
 *   by `renderToolCall` (default {@link renderToolCall}: `name({"arg":...})` from
 *   `input`). The thought is the `thinking` and `text` blocks written before the
 *   call in the same message (since the previous call), joined by blank lines.
 *   The observation is the `tool_result` block with that `tool_use_id` (its string
 *   content, or its text blocks joined by newlines, other blocks as `[image]`-style
 *   placeholders); undefined when there is none (counted in `meta.missingObservations`).
 *   A result with `is_error: true` is kept verbatim and its step index listed in
 *   `meta.toolErrorSteps`, so that the text the model saw stays unchanged.
 * - **Text turns**: text after the last `tool_use` of a message (a reply to the
 *   user) is a step, its observation the user's next message; `textTurns: 'skip'`
 *   drops it. `redacted_thinking` blocks have no text and are left out.
 * - User text after a turn (besides tool results) is appended to the observation
 *   of the turn's last step, after a blank line.
 * - A `tool_use` of a thinking tool (`thinkingTools`, default `['think']`) is not a step:
 *   its text goes before the next step's thought; `dropTools` / `keepTools` drop calls
 *   by tool name, as in {@link parseOpenAIMessages}.
 * - **Roles**: a message's role is `user` or `assistant`, the only two of the
 *   Messages API (the system prompt is the top-level `system`, not a message);
 *   any other is a {@link TrajectoryError} at `$.messages[i].role`. `taskRoles` may name
 *   `system`, `user` and `assistant`.
 *
 * @param messages - An array of messages, or a request body `{system?, messages}`.
 * @param options - Source label, id, renderer, task roles and policies.
 * @returns The trajectory; `meta.format` is `'anthropic-messages'`.
 * @throws TypeError when `messages` is neither an array nor an object, an option is invalid,
 *   or `options` has a key that is not an option (the error names the nearest one).
 * @throws {@link TrajectoryError} with the JSON path (`$[2].content[1].input`) of a malformed
 *   message or block, a role other than `user` and `assistant`, an assistant message without
 *   text or tool call, no task, or no step.
 * @example
 * ```ts
 * import { parseAnthropicMessages } from 'srl-kit';
 * const t = parseAnthropicMessages({
 *   system: 'You are a coding agent.',
 *   messages: [
 *     { role: 'user', content: 'Run the tests.' },
 *     { role: 'assistant', content: [
 *       { type: 'text', text: 'Running them.' },
 *       { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } }] },
 *     { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '3 passed' }] },
 *   ],
 * });
 * t.task; //=> [{ role: 'system', content: 'You are a coding agent.' }, { role: 'user', content: 'Run the tests.' }]
 * t.steps; //=> [{ action: 'Bash({"command":"npm test"})', thought: 'Running them.', observation: '3 passed' }]
 * ```
 */
export function parseAnthropicMessages(messages: unknown, options?: ChatParseOptions): Trajectory {
  // taskRoles may name 'system': the top-level system prompt is part of the task.
  const resolved = resolveChatOptions(options, FN, CHAT_OPTION_KEYS, ['system', ...ANTHROPIC_ROLES]);
  const where = { source: resolved.source };
  const task: ChatMessage[] = [];
  const keep = (role: string): boolean => resolved.taskRoles === undefined || resolved.taskRoles.includes(role);
  let list: readonly unknown[];
  let base = '$';
  if (Array.isArray(messages)) {
    list = messages;
  } else if (isRecord(messages)) {
    base = pathKey('$', 'messages');
    list = readArray(messages.messages, where, base, 'an array of messages');
    if (messages.system !== undefined && messages.system !== null && keep('system')) {
      task.push({ role: 'system', content: anthropicText(messages.system, where, pathKey('$', 'system')) });
    }
  } else {
    throw argumentError(FN, 'messages', 'an array of messages or an object {system, messages}', messages);
  }

  const events: ChatEvent[] = [];
  let started = false;
  list.forEach((value, i) => {
    const path = pathIndex(base, i);
    const msg = readRecord(value, where, path, 'a message object {role, content}');
    const role = readRole(msg, where, path, ANTHROPIC_ROLES, 'Anthropic Messages', "the system prompt goes in the top-level 'system'");
    if (role === 'assistant') started = true;
    if (!started) {
      if (keep(role)) task.push({ role, content: anthropicText(msg.content, where, pathKey(path, 'content')) });
    } else if (role === 'assistant') {
      events.push(turnEvent(() => anthropicAssistantParts(msg, where, path, resolved.render, true, resolved.build.tools), where, path));
    } else {
      events.push(...anthropicUserEvents(msg, where, path));
    }
  });
  assertTask(task, where, base, resolved.taskRoles);
  const built = buildChatSteps(events, resolved.build);
  assertHasSteps(built.steps, where, base, list);
  return {
    ...(resolved.id !== undefined && { id: resolved.id }),
    task,
    steps: built.steps,
    meta: chatMeta('anthropic-messages', built, resolved.build),
  };
}

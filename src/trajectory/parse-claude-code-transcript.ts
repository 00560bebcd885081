import { assertString } from '../_lib/assert.js';
import { pyStrip } from '../_lib/python-whitespace.js';
import { anthropicAssistantParts, anthropicText, anthropicUserEvents, hasAction } from './_anthropic.js';
import { buildChatSteps, chatMeta, type ChatEvent, type TurnPart } from './_chat-steps.js';
import { fail, listRoles, pathKey, readRecord, readString, type Where } from './_json-path.js';
import { turnEvent } from './_openai.js';
import { resolveChatOptions } from './_options.js';
import { optionKeys } from '../_lib/options.js';
import type { ChatParseOptions } from './parse-options.js';
import { TrajectoryError } from './trajectory-error.js';
import type { Trajectory } from './types.js';

const FN = 'parseClaudeCodeTranscript';

/** Options of {@link parseClaudeCodeTranscript}. */
export interface ParseClaudeCodeTranscriptOptions extends Omit<ChatParseOptions, 'taskRoles'> {
  /**
   * Keep events with `isSidechain: true` (the conversations of sub-agents started
   * by the Task tool), which interleave with the main thread. Default false.
   */
  readonly includeSidechains?: boolean | undefined;
}

const OPTION_KEYS = optionKeys<ParseClaudeCodeTranscriptOptions>({
  source: true,
  id: true,
  onInvalidTurn: true,
  renderToolCall: true,
  textTurns: true,
  shareThought: true,
  thinkingTools: true,
  dropTools: true,
  keepTools: true,
  includeSidechains: true,
});

/** The event types that carry a message, and so the roles of those messages. */
const ROLES: readonly string[] = Object.freeze(['user', 'assistant']);

interface Line {
  readonly line: number;
  readonly message: Record<string, unknown>;
}

/**
 * Parses a Claude Code session transcript (the JSONL file under
 * `~/.claude/projects/`, one event per line) into a {@link Trajectory}.
 *
 * - Lines whose `type` is not `user` or `assistant` (`summary`, `system`,
 *   snapshots, ...) are skipped, as are `isMeta` events (notes Claude Code adds
 *   itself) and, unless `includeSidechains`, sub-agent events. Blank lines are skipped.
 * - **Roles**: the `message.role` of a `user` or `assistant` event is its type
 *   (`user` or `assistant`, the roles of the Messages API Claude Code records);
 *   any other is a {@link TrajectoryError} at `$.message.role` with the line.
 * - Claude Code writes one line per content block of a model response; consecutive
 *   assistant lines with the same `message.id` are joined back into one message.
 * - **Task**: the text of the user messages before the first assistant message,
 *   joined by blank lines (a string).
 * - **Steps**: each `message` is read as in {@link parseAnthropicMessages}: a step
 *   per `tool_use` (observation: the `tool_result` with its id; `is_error` results
 *   listed in `meta.toolErrorSteps`) and per reply to the user (observation: the
 *   user's next message), unless `textTurns: 'skip'`.
 * - `thinkingTools` (default `['think']`), `dropTools` and `keepTools` decide which
 *   `tool_use` blocks are steps, as in {@link parseOpenAIMessages}.
 * - `id`: `options.id`, else the `sessionId` of the first event that has one.
 *
 * @param jsonlText - The content of the `.jsonl` file.
 * @param options - Source label, id, renderer and policies.
 * @returns The trajectory; `meta.format` is `'claude-code'`, `meta.sessionId` the session.
 * @throws TypeError when `jsonlText` is not a string, an option is invalid, or `options`
 *   has a key that is not an option (the error names the nearest one).
 * @throws {@link TrajectoryError} with the 1-based `line` and the JSON path inside that
 *   line's event (`$.message.content[0].input`) of a line that is not JSON, a malformed
 *   event or message, a message role that is not its event's type, no task, or no step.
 * @example
 * ```ts
 * import { parseClaudeCodeTranscript } from 'srl-kit';
 * const t = parseClaudeCodeTranscript([
 *   '{"type":"user","message":{"role":"user","content":"List the files."}}',
 *   '{"type":"assistant","message":{"id":"m1","role":"assistant",' +
 *     '"content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}}]}}',
 *   '{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"a.txt"}]}}',
 * ].join('\n'));
 * t.task; //=> 'List the files.'
 * t.steps; //=> [{ action: 'Bash({"command":"ls"})', observation: 'a.txt' }]
 * ```
 */
export function parseClaudeCodeTranscript(jsonlText: string, options?: ParseClaudeCodeTranscriptOptions): Trajectory {
  assertString(jsonlText, FN, 'jsonlText');
  // No taskRoles (the task is the user's text): OPTION_KEYS rejects it.
  const resolved = resolveChatOptions(options, FN, OPTION_KEYS, ROLES);
  const includeSidechains = options?.includeSidechains ?? false;
  if (typeof includeSidechains !== 'boolean') {
    throw new TypeError(`${FN}: option 'includeSidechains' must be a boolean, got ${typeof includeSidechains}`);
  }
  const source = resolved.source;
  const messagePath = pathKey('$', 'message');

  let sessionId: string | undefined;
  const taskTexts: string[] = [];
  const events: ChatEvent[] = [];
  let group: Line[] = [];
  let groupId: unknown;
  let started = false;

  const flush = (): void => {
    if (group.length === 0) return;
    const lines = group;
    const first = lines[0]!;
    const where: Where = { source, line: first.line };
    events.push(
      turnEvent(
        () => {
          const parts: TurnPart[] = lines.flatMap((l) =>
            anthropicAssistantParts(l.message, { source, line: l.line }, messagePath, resolved.render, false, resolved.build.tools),
          );
          if (!hasAction(parts)) {
            const expected = 'a tool_use block or text (an assistant message with an action)';
            fail(where, pathKey(messagePath, 'content'), expected, first.message.content);
          }
          return parts;
        },
        where,
        messagePath,
      ),
    );
    group = [];
  };

  const rows = jsonlText.split(/\r?\n/);
  rows.forEach((row, index) => {
    const line = index + 1;
    if (pyStrip(row) === '') return;
    const where: Where = { source, line };
    let event: unknown;
    try {
      event = JSON.parse(row);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new TrajectoryError(
        { source, line, path: '$', expected: 'a JSON object (one event per line)', found: `invalid JSON (${why})` },
        { cause: error },
      );
    }
    const e = readRecord(event, where, '$', 'an event object {type, message}');
    if (typeof e.type !== 'string') fail(where, pathKey('$', 'type'), 'an event type string', e.type);
    if (e.type !== 'user' && e.type !== 'assistant') return;
    if (e.isSidechain === true && !includeSidechains) return;
    if (e.isMeta === true) return;
    if (sessionId === undefined && typeof e.sessionId === 'string') sessionId = e.sessionId;
    const message = readRecord(e.message, where, messagePath, 'a message object {role, content}');
    const role = readString(message, 'role', where, messagePath, 'a role string');
    if (role !== e.type) {
      fail(where, pathKey(messagePath, 'role'), `the role "${e.type}" of a ${e.type} event (messages are ${listRoles(ROLES)}, as their event)`, role);
    }

    if (e.type === 'assistant') {
      started = true;
      const id = message.id;
      if (group.length > 0 && !(typeof id === 'string' && id === groupId)) flush();
      group.push({ line, message });
      groupId = id;
      return;
    }
    flush();
    if (!started) taskTexts.push(anthropicText(message.content, where, pathKey(messagePath, 'content')));
    else events.push(...anthropicUserEvents(message, where, messagePath));
  });
  flush();

  const task = pyStrip(taskTexts.filter((t) => pyStrip(t) !== '').join('\n\n'));
  if (task === '') {
    fail({ source }, '$', 'a user message with text before the first assistant message (the task)', undefined, 'none');
  }
  const built = buildChatSteps(events, resolved.build);
  if (built.steps.length === 0) {
    fail({ source }, '$', 'at least one agent step (an assistant turn with an action)', undefined, 'none');
  }
  const id = resolved.id ?? sessionId;
  return {
    ...(id !== undefined && { id }),
    task,
    steps: built.steps,
    meta: chatMeta('claude-code', built, resolved.build, { sessionId }),
  };
}

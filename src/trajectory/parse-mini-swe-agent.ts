import { describeType } from '../_lib/describe.js';
import { miniSweAgentBlocks } from '../_lib/mini-swe-agent-blocks.js';
import { pyStrip } from '../_lib/python-whitespace.js';
import { assertHasSteps, buildChatSteps, chatMeta, type ChatEvent, type TurnPart } from './_chat-steps.js';
import { fail, isRecord, pathIndex, pathKey, readArray, readRecord, readRole, type Where } from './_json-path.js';
import { contentText, turnEvent } from './_openai.js';
import { argumentError, oneOfOption, resolveOptions } from './_options.js';
import { optionKeys } from '../_lib/options.js';
import type { TrajectoryParseOptions } from './parse-options.js';
import type { ChatMessage, Trajectory } from './types.js';

const FN = 'parseMiniSweAgent';


/** Options of {@link parseMiniSweAgent}. */
export interface ParseMiniSweAgentOptions extends TrajectoryParseOptions {
  /**
   * The regular expression that finds the action block in an assistant message;
   * its first capture group is the command. Default: mini-swe-agent's own
   * `action_regex`, ```` /```mswea_bash_command\s*\n(.*?)\n```/s ```` (`\s` as Python
   * reads it). Score outputs with `parse: { unwrapAction: 'mini-swe-agent' }` (or this
   * RegExp) to compare the command of an output written in the block the task asks
   * for. Runs of
   * mini-swe-agent before the `mswea_bash_command` fence used plain ```` ```bash ````
   * blocks: pass ```` /```bash\s*\n(.*?)\n```/s ````.
   */
  readonly actionRegex?: RegExp | undefined;
  /**
   * The task: `'first-user'` (default) is the text of the first user message (the
   * instance prompt with the issue), a string; `'messages'` is every message
   * before the first assistant message (system prompt included).
   */
  readonly taskFrom?: 'first-user' | 'messages' | undefined;
}

const OPTION_KEYS = optionKeys<ParseMiniSweAgentOptions>({
  source: true,
  id: true,
  onInvalidTurn: true,
  actionRegex: true,
  taskFrom: true,
});

/**
 * The roles mini-swe-agent writes: `system`, `user` (the task, command outputs and
 * format errors), `assistant`, and `exit`, the last message of a mini-swe-agent 2
 * run (its submission or why it stopped), kept like any message after a turn.
 */
const ROLES: readonly string[] = Object.freeze(['system', 'user', 'assistant', 'exit']);

/** The action blocks of a message: the default regex's matches in linear time, or a custom regex's. */
function actionBlocks(text: string, regex: RegExp | undefined): { readonly index: number; readonly command: string | undefined }[] {
  if (regex === undefined) return miniSweAgentBlocks(text);
  return [...text.matchAll(regex)].map((m) => ({ index: m.index, command: m[1] }));
}

function assistantParts(msg: Record<string, unknown>, where: Where, path: string, regex: RegExp | undefined, what: string): TurnPart[] {
  const contentPath = pathKey(path, 'content');
  const text = contentText(msg.content, where, contentPath, false)!;
  const blocks = actionBlocks(text, regex);
  if (blocks.length !== 1) {
    fail(where, contentPath, `exactly one ${what}`, text, blocks.length === 0 ? 'no action block' : `${blocks.length} action blocks`);
  }
  const block = blocks[0]!;
  const action = block.command;
  if (action === undefined) {
    throw new TypeError(`${FN}: option 'actionRegex' must have a capture group for the command`);
  }
  if (pyStrip(action) === '') fail(where, contentPath, 'a non-empty command in the action block', action);
  return [
    { kind: 'thought', text: text.slice(0, block.index) },
    { kind: 'action', action, ids: [] },
  ];
}

/**
 * Parses a mini-swe-agent run (its `.traj.json`: a list of `{role, content}`
 * messages, or the object `{info, messages, trajectory_format}` that newer
 * versions write) into a {@link Trajectory}.
 *
 * - **Steps**: one per assistant message. mini-swe-agent executes exactly one
 *   fenced command per message; the action is that block's command (the first
 *   capture group of `actionRegex`, stripped as mini-swe-agent strips it), the
 *   thought is the text before the block (text after it is ignored, as
 *   mini-swe-agent ignores it), and the observation is the next message (the user
 *   message `<returncode>N</returncode><output>...</output>`, verbatim).
 * - An assistant message with no block or with two or more is a
 *   {@link TrajectoryError} at `$[i].content` (mini-swe-agent rejected it and
 *   asked again), unless `onInvalidTurn: 'skip'`: then it is dropped with the
 *   format-error message that answers it and counted in `meta.skippedTurns`.
 * - The final `echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT ...` command is kept: it is
 *   the expert's real last action, and its observation is the submitted diff.
 * - `meta`: `format: 'mini-swe-agent'`, and `exitStatus` (`info.exit_status`) for
 *   the object form.
 * - **The task's format**: the task asks for the answer in a ```` ```mswea_bash_command ````
 *   block while the target is the bare command; score outputs with
 *   `parse: { unwrapAction: 'mini-swe-agent' }` (see `parseStepOutput`), and an output
 *   that gives the expert's command in that block scores 1 (docs/trajectories.md, "The
 *   task's response format and the target").
 *
 * - **Roles**: `system`, `user`, `assistant`, and `exit` (the last message of a
 *   mini-swe-agent 2 run: the submission, or why the run stopped, appended to the
 *   last step's observation); any other (`tool` included) is a {@link TrajectoryError} at
 *   `$[i].role`.
 *
 * Runs of tool-calling models (mini-swe-agent 2 with `tool_calls`) are OpenAI chats:
 * read them with {@link parseOpenAIMessages}.
 *
 * @param messages - The parsed `.traj.json`: an array of messages or `{messages, info}`.
 * @param options - Source label, id, action regex, task and invalid-turn policy.
 * @returns The trajectory.
 * @throws TypeError when `messages` is neither an array nor an object, an option is invalid,
 *   or `options` has a key that is not an option (the error names the nearest one).
 * @throws {@link TrajectoryError} with the JSON path of a malformed message, a role
 *   mini-swe-agent does not write, an assistant message without exactly one action block,
 *   no task, or no step.
 * @example
 * ```ts
 * import { parseMiniSweAgent } from 'srl-kit';
 * const t = parseMiniSweAgent([
 *   { role: 'system', content: 'You are a helpful assistant...' },
 *   { role: 'user', content: 'Please solve this issue: ...' },
 *   { role: 'assistant', content: 'Let me look.\n\n```mswea_bash_command\nls -la\n```' },
 *   { role: 'user', content: '<returncode>0</returncode>\n<output>\nREADME.md\n</output>' },
 * ]);
 * t.task; //=> 'Please solve this issue: ...'
 * t.steps; //=> [{ action: 'ls -la', thought: 'Let me look.', observation: '<returncode>0</returncode>\n<output>\nREADME.md\n</output>' }]
 * ```
 */
export function parseMiniSweAgent(messages: unknown, options?: ParseMiniSweAgentOptions): Trajectory {
  const resolved = resolveOptions(options, FN, OPTION_KEYS);
  const taskFrom = oneOfOption(options?.taskFrom, ['first-user', 'messages'], 'first-user', FN, 'taskFrom');
  const given = options?.actionRegex;
  if (given !== undefined && !(given instanceof RegExp)) {
    throw new TypeError(`${FN}: option 'actionRegex' must be a RegExp, got ${describeType(given)}`);
  }
  // The default regex is matched by a linear-time equivalent (a backtracking engine takes
  // quadratic time on an opener that is never closed); a custom one as given.
  const regex = given === undefined ? undefined : new RegExp(given.source, given.flags.includes('g') ? given.flags : `${given.flags}g`);
  const what = given === undefined ? '```mswea_bash_command block' : `action block matching ${String(given)}`;
  const where: Where = { source: resolved.source };

  let list: readonly unknown[];
  let base = '$';
  let exitStatus: string | undefined;
  if (Array.isArray(messages)) {
    list = messages;
  } else if (isRecord(messages)) {
    base = pathKey('$', 'messages');
    list = readArray(messages.messages, where, base, 'an array of messages');
    if (isRecord(messages.info) && typeof messages.info.exit_status === 'string') exitStatus = messages.info.exit_status;
  } else {
    throw argumentError(FN, 'messages', 'an array of messages or an object {messages, info}', messages);
  }

  const taskMessages: ChatMessage[] = [];
  const events: ChatEvent[] = [];
  let started = false;
  list.forEach((value, i) => {
    const path = pathIndex(base, i);
    const msg = readRecord(value, where, path, 'a message object {role, content}');
    const role = readRole(msg, where, path, ROLES, 'mini-swe-agent messages', 'runs with tool_calls are OpenAI chats: use parseOpenAIMessages');
    if (role === 'assistant') started = true;
    if (role === 'assistant') {
      events.push(turnEvent(() => assistantParts(msg, where, path, regex, what), where, path));
      return;
    }
    const text = contentText(msg.content, where, pathKey(path, 'content'), false)!;
    if (started) events.push({ kind: 'env', text });
    else taskMessages.push({ role, content: text });
  });

  let task: string | ChatMessage[] = taskMessages;
  if (taskFrom === 'first-user') {
    const user = taskMessages.find((m) => m.role === 'user');
    if (user === undefined || pyStrip(user.content) === '') {
      fail(where, base, 'a user message with text before the first assistant message (the task)', undefined, 'none');
    }
    task = user.content;
  } else if (taskMessages.length === 0) {
    fail(where, base, 'a message before the first assistant message (the task)', undefined, 'none');
  }

  const built = buildChatSteps(events, resolved.build);
  assertHasSteps(built.steps, where, base, list);
  return {
    ...(resolved.id !== undefined && { id: resolved.id }),
    task,
    steps: built.steps,
    meta: chatMeta('mini-swe-agent', built, resolved.build, { exitStatus }),
  };
}

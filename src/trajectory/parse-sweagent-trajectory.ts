import { pyStrip } from '../_lib/python-whitespace.js';
import { assertHasSteps, buildChatSteps, chatMeta, type BuildStepsOptions, type ChatEvent, type TurnPart } from './_chat-steps.js';
import {
  fail,
  isRecord,
  pathIndex,
  pathKey,
  readArray,
  readOptionalString,
  readRecord,
  readRole,
  readString,
  type Where,
} from './_json-path.js';
import { callPart, contentText, readFunctionCall, readOpenAIToolCalls, toolMessageIds, turnEvent } from './_openai.js';
import { argumentError, functionOption, oneOfOption, resolveOptions, resolveToolPolicy, toolCallRole, type ToolPolicy } from './_options.js';
import { optionKeys } from '../_lib/options.js';
import type { ToolSelectionOptions, TrajectoryParseOptions } from './parse-options.js';
import { renderToolCall, type ToolCallRenderer } from './render-tool-call.js';
import { TrajectoryError } from './trajectory-error.js';
import type { ChatMessage, Step, Trajectory } from './types.js';

const FN = 'parseSweAgentTrajectory';

/**
 * Options of {@link parseSweAgentTrajectory}. `thinkingTools`, `dropTools` and
 * `keepTools` apply to the `history` form, where calls carry a tool name (the
 * `tool_calls` of an assistant message; with `actionFrom: 'action'`, the name of
 * its single tool call); `trajectory` entries and 0.x history messages have none.
 */
export interface ParseSweAgentTrajectoryOptions extends TrajectoryParseOptions, ToolSelectionOptions {
  /**
   * Which record of the run to read the steps from: `'trajectory'` (the
   * `trajectory[]` array of `{thought, action, observation}`), `'history'` (the
   * chat messages), or `'auto'` (default): `trajectory` when it is a non-empty
   * array, else `history`.
   */
  readonly form?: 'auto' | 'trajectory' | 'history' | undefined;
  /**
   * The task: `'first-user'` (default) is the text of the first user message of
   * `history` (SWE-agent's instance prompt: the issue and the instructions), a
   * string; `'messages'` is every message before the first assistant message (the
   * system prompt, which documents SWE-agent's commands, and the instance prompt).
   */
  readonly taskFrom?: 'first-user' | 'messages' | undefined;
  /**
   * Renders a history message's tool call when it has no `action` string (or with
   * `actionFrom: 'tool_calls'`). Default: {@link renderToolCall}, `name({"arg":...})`.
   */
  readonly renderToolCall?: ToolCallRenderer | undefined;
  /**
   * What the action of a `history` step is, for runs of SWE-agent's function-calling
   * parser, whose assistant messages carry both:
   * - `'action'` (default): the `action` string, the command SWE-agent built from the
   *   model's tool call and ran (`str_replace_editor view /testbed`), as in the
   *   `trajectory` form; a message without one falls back to its `tool_calls`;
   * - `'tool_calls'`: the model's own tool calls, rendered by `renderToolCall`
   *   (`str_replace_editor({"command":"view","path":"/testbed"})`), one step per call: the
   *   target when the model is to answer with a tool call. Every assistant message must
   *   then have `tool_calls`; reads `history` (`form: 'trajectory'` is a `TypeError`).
   */
  readonly actionFrom?: 'action' | 'tool_calls' | undefined;
}

const OPTION_KEYS = optionKeys<ParseSweAgentTrajectoryOptions>({
  source: true,
  id: true,
  onInvalidTurn: true,
  form: true,
  taskFrom: true,
  renderToolCall: true,
  actionFrom: true,
  thinkingTools: true,
  dropTools: true,
  keepTools: true,
});

/** The roles of SWE-agent's `history` messages. */
const ROLES: readonly string[] = Object.freeze(['system', 'user', 'assistant', 'tool']);
const FORMAT = "SWE-agent's history";

function isDemo(msg: Record<string, unknown>): boolean {
  return msg.is_demo === true;
}

/** The task messages: the history's non-demo messages before the first assistant message. */
function taskMessages(history: readonly unknown[], where: Where, base: string): ChatMessage[] {
  const task: ChatMessage[] = [];
  for (let i = 0; i < history.length; i++) {
    const path = pathIndex(base, i);
    const msg = readRecord(history[i], where, path, 'a message object {role, content}');
    if (isDemo(msg)) continue;
    const role = readRole(msg, where, path, ROLES, FORMAT);
    if (role === 'assistant') break;
    task.push({ role, content: contentText(msg.content, where, pathKey(path, 'content'), false)! });
  }
  return task;
}

function readTask(traj: Record<string, unknown>, where: Where, taskFrom: 'first-user' | 'messages'): string | ChatMessage[] {
  const base = pathKey('$', 'history');
  const history = readArray(traj.history, where, base, 'a history array (the task is read from its first user message)');
  const messages = taskMessages(history, where, base);
  if (taskFrom === 'messages') {
    if (messages.length === 0) fail(where, base, 'a message before the first assistant message (the task)', undefined, 'none');
    return messages;
  }
  const user = messages.find((m) => m.role === 'user');
  if (user === undefined || pyStrip(user.content) === '') {
    fail(where, base, 'a user message with text before the first assistant message (the task)', undefined, 'none');
  }
  return user.content;
}

function stepsFromTrajectory(traj: Record<string, unknown>, where: Where, build: BuildStepsOptions): { steps: Step[]; skipped: number } {
  const base = pathKey('$', 'trajectory');
  const entries = readArray(traj.trajectory, where, base, 'a trajectory array');
  const steps: Step[] = [];
  let skipped = 0;
  entries.forEach((value, i) => {
    const path = pathIndex(base, i);
    const entry = readRecord(value, where, path, 'a trajectory entry {thought, action, observation}');
    try {
      const action = pyStrip(readString(entry, 'action', where, path, 'an action string'));
      if (action === '') fail(where, pathKey(path, 'action'), 'a non-empty action', entry.action);
      const thought = pyStrip(readOptionalString(entry, 'thought', where, path) ?? '');
      const observation = readOptionalString(entry, 'observation', where, path);
      steps.push({ action, ...(thought !== '' && { thought }), ...(observation !== undefined && { observation }) });
    } catch (error) {
      if (!(error instanceof TrajectoryError) || build.onInvalidTurn !== 'skip') throw error;
      skipped++;
    }
  });
  return { steps, skipped };
}

/** The name of a message's single tool call, read without checking the rest of the call. */
function singleCallName(msg: Record<string, unknown>): string | undefined {
  const calls = msg.tool_calls;
  if (!Array.isArray(calls) || calls.length !== 1) return undefined;
  const call: unknown = calls[0];
  if (!isRecord(call) || !isRecord(call.function)) return undefined;
  const name = call.function.name;
  return typeof name === 'string' ? name : undefined;
}

function assistantParts(msg: Record<string, unknown>, where: Where, path: string, read: HistoryReading): TurnPart[] {
  const thought = readOptionalString(msg, 'thought', where, path) ?? contentText(msg.content, where, pathKey(path, 'content'), true);
  const parts: TurnPart[] = thought === undefined ? [] : [{ kind: 'thought', text: thought }];
  const action = msg.action;
  if (read.actionFrom === 'action' && typeof action === 'string' && pyStrip(action) !== '') {
    // SWE-agent's own text of the command; the ids of its tool calls (if any) link the tool message.
    const calls = Array.isArray(msg.tool_calls) ? msg.tool_calls : [];
    const ids = calls.flatMap((c) => (isRecord(c) && typeof c.id === 'string' ? [c.id] : []));
    const name = singleCallName(msg);
    if (name !== undefined && toolCallRole(read.tools, name) !== 'step') {
      // A thinking or dropped tool: the call itself says which, and gives the thought's text.
      const callPath = pathIndex(pathKey(path, 'tool_calls'), 0);
      const call = calls[0] as Record<string, unknown>;
      const fn = readFunctionCall(call.function, undefined, where, pathKey(callPath, 'function'));
      parts.push(callPart(fn, ids, read.tools, read.render, where, callPath));
      return parts;
    }
    parts.push({ kind: 'action', action, ids });
    return parts;
  }
  const calls = readOpenAIToolCalls(msg, where, path, read.render, read.tools);
  if (calls.length === 0) {
    if (read.actionFrom === 'tool_calls') fail(where, pathKey(path, 'tool_calls'), "tool calls (actionFrom: 'tool_calls')", msg.tool_calls);
    fail(where, pathKey(path, 'action'), 'an action string or tool_calls', action);
  }
  parts.push(...calls);
  return parts;
}

/** How the assistant messages of `history` are read. */
interface HistoryReading {
  readonly render: ToolCallRenderer;
  readonly tools: ToolPolicy;
  readonly actionFrom: 'action' | 'tool_calls';
}

function eventsFromHistory(traj: Record<string, unknown>, where: Where, read: HistoryReading): ChatEvent[] {
  const base = pathKey('$', 'history');
  const history = readArray(traj.history, where, base, 'a history array');
  const events: ChatEvent[] = [];
  let started = false;
  history.forEach((value, i) => {
    const path = pathIndex(base, i);
    const msg = readRecord(value, where, path, 'a message object {role, content}');
    if (isDemo(msg)) return;
    const role = readRole(msg, where, path, ROLES, FORMAT);
    if (role === 'assistant') started = true;
    if (!started) return;
    if (role === 'assistant') {
      events.push(turnEvent(() => assistantParts(msg, where, path, read), where, path));
      return;
    }
    const text = contentText(msg.content, where, pathKey(path, 'content'), false)!;
    const ids = role === 'tool' ? toolMessageIds(msg, where, path) : [];
    events.push(ids.length > 0 ? { kind: 'result', ids, text, isError: false, loc: { path } } : { kind: 'env', text });
  });
  return events;
}

function problemStatementId(traj: Record<string, unknown>): string | undefined {
  let config = traj.replay_config;
  if (typeof config === 'string') {
    try {
      config = JSON.parse(config);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(config) || !isRecord(config.problem_statement)) return undefined;
  const id = config.problem_statement.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Parses a SWE-agent run (a `.traj` file, or a demonstration `.yaml` once parsed)
 * into a {@link Trajectory}.
 *
 * - **Steps, `trajectory` form** (SWE-agent's own list of steps): one per entry;
 *   action = `action` (the command, e.g. `"ls -F\n"`), thought = `thought`,
 *   observation = `observation` verbatim (an empty string when the command printed
 *   nothing).
 * - **Steps, `history` form** (the chat; used when there is no `trajectory`, as in
 *   demonstration files): one per assistant message, action = its `action`
 *   string, or, without one, its OpenAI-style `tool_calls` rendered by
 *   `renderToolCall` (one step per call); thought = its `thought`, else its
 *   `content`; observation = the role "tool" message answering its
 *   `tool_call_ids`, and the other messages up to the next assistant message (for
 *   SWE-agent 0.x, the user message with the command's output). Demonstration
 *   messages inserted in the history (`is_demo: true`) are left out.
 * - Actions and thoughts are stripped with Python's `str.strip()` (so `"ls -F\n"`
 *   gives `ls -F`, and a multi-line `edit ... end_of_edit` command loses only its
 *   final newline); observations are verbatim.
 * - **Task**: see `taskFrom`; read from `history` in both forms.
 * - **Roles** of `history` messages: `system`, `user`, `assistant` and `tool`; any
 *   other is a {@link TrajectoryError} at `$.history[i].role`.
 * - `id`: `options.id`, else `replay_config.problem_statement.id` when present.
 * - **Function-calling runs** record a message's tool call and the `action` string built
 *   from it: the target is the `action` string (what SWE-agent ran), or the rendered call
 *   with `actionFrom: 'tool_calls'`. In `history`, `thinkingTools` (default `['think']`),
 *   `dropTools` and `keepTools` decide which named calls are steps, as in
 *   {@link parseOpenAIMessages}.
 * - **The task's format**: SWE-agent's `thought_action` prompt asks for a DISCUSSION, then
 *   the command in a ```` ``` ```` fence, while the target is the bare command; score
 *   outputs with `parse: { unwrapAction: 'swe-agent' }` (see `parseStepOutput`), and an
 *   output that gives the expert's command in that format scores 1.
 * - `meta`: `format: 'swe-agent'`, `form` (the one used), `exitStatus` (`info.exit_status`,
 *   e.g. `'submitted'`), `skippedTurns` with `onInvalidTurn: 'skip'`, and in `history` the
 *   tool counters of {@link parseOpenAIMessages}.
 *
 * Errors are reported in the order of the file: in the `trajectory` form a bad entry
 * is named (`$.trajectory[3].action`) even when `history` is missing or bad too; with
 * `form: 'auto'`, a `trajectory` that is there but not an array is an error at
 * `$.trajectory`, never a silent switch to `history`.
 *
 * @param traj - The parsed `.traj` object.
 * @param options - Source label, id, form, task and renderer.
 * @returns The trajectory.
 * @throws TypeError when `traj` is not an object, an option is invalid, or `options` has a
 *   key that is not an option (the error names the nearest one).
 * @throws {@link TrajectoryError} with the JSON path (`$.trajectory[3].action`,
 *   `$.history[5].tool_calls[0].function.arguments`) of a malformed entry, a role the
 *   history does not define, no task, or no step.
 * @example
 * ```ts
 * import { parseSweAgentTrajectory } from 'srl-kit';
 * const t = parseSweAgentTrajectory(JSON.parse(text)); // a .traj file
 * t.steps[0]; //=> { action: 'ls -F', thought: "Let's list out some of the files ...", observation: 'AUTHORS.rst\n...' }
 * t.meta; //=> { format: 'swe-agent', form: 'trajectory', exitStatus: 'submitted' }
 * ```
 */
export function parseSweAgentTrajectory(traj: unknown, options?: ParseSweAgentTrajectoryOptions): Trajectory {
  const resolved = resolveOptions(options, FN, OPTION_KEYS);
  const form = oneOfOption(options?.form, ['auto', 'trajectory', 'history'], 'auto', FN, 'form');
  const taskFrom = oneOfOption(options?.taskFrom, ['first-user', 'messages'], 'first-user', FN, 'taskFrom');
  const render = functionOption(options?.renderToolCall, FN, 'renderToolCall') ?? renderToolCall;
  const actionFrom = oneOfOption(options?.actionFrom, ['action', 'tool_calls'], 'action', FN, 'actionFrom');
  if (actionFrom === 'tool_calls' && form === 'trajectory') {
    throw new TypeError(
      `${FN}: option 'actionFrom' is 'tool_calls', which reads the history (trajectory entries have no tool calls), but option 'form' is 'trajectory'; use form 'history' or 'auto'`,
    );
  }
  const tools = resolveToolPolicy(options, FN);
  const build: BuildStepsOptions = { ...resolved.build, tools };
  if (!isRecord(traj)) throw argumentError(FN, 'traj', 'an object (a parsed .traj file)', traj);
  const where: Where = { source: resolved.source };

  const listed = traj.trajectory;
  if (form === 'auto' && listed !== undefined && listed !== null && !Array.isArray(listed)) {
    fail(where, pathKey('$', 'trajectory'), 'a trajectory array (or none: the steps are then read from history)', listed);
  }
  const auto = actionFrom === 'action' && Array.isArray(listed) && listed.length > 0 ? 'trajectory' : 'history';
  const used = form === 'auto' ? auto : form;
  // Errors come in the order of the file: `trajectory` comes before `history` (which
  // holds the task) in a .traj, and in `history` the task comes before the steps.
  let task = used === 'history' ? readTask(traj, where, taskFrom) : undefined;
  let steps: Step[];
  let skippedTurns: number;
  let meta: Record<string, unknown>;
  const exitStatus = isRecord(traj.info) && typeof traj.info.exit_status === 'string' ? traj.info.exit_status : undefined;
  if (used === 'trajectory') {
    const r = stepsFromTrajectory(traj, where, resolved.build);
    steps = r.steps;
    skippedTurns = r.skipped;
    meta = { format: 'swe-agent', form: used };
    if (resolved.source !== undefined) meta.source = resolved.source;
    if (resolved.build.onInvalidTurn === 'skip') meta.skippedTurns = skippedTurns;
    if (exitStatus !== undefined) meta.exitStatus = exitStatus;
    assertHasSteps(steps, where, pathKey('$', 'trajectory'), traj.trajectory);
  } else {
    const built = buildChatSteps(eventsFromHistory(traj, where, { render, tools, actionFrom }), build);
    steps = built.steps;
    meta = chatMeta('swe-agent', built, build, { form: used, exitStatus });
    assertHasSteps(steps, where, pathKey('$', 'history'), traj.history);
  }
  task ??= readTask(traj, where, taskFrom);
  const id = resolved.id ?? problemStatementId(traj);
  return { ...(id !== undefined && { id }), task, steps, meta };
}

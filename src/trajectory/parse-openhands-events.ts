import { pyStrip } from '../_lib/python-whitespace.js';
import { optionKeys } from '../_lib/options.js';
import { thinkingText } from './_chat-steps.js';
import { fail, isRecord, listRoles, pathIndex, pathKey, readArray, readRecord, type Where } from './_json-path.js';
import { argumentError, functionOption, oneOfOption, resolveOptions, resolveToolPolicy } from './_options.js';
import type { TrajectoryParseOptions } from './parse-options.js';
import { renderToolCallXml, type ToolCall, type ToolCallRenderer } from './render-tool-call.js';
import { foundValue, TrajectoryError } from './trajectory-error.js';
import type { ChatMessage, Step, Trajectory } from './types.js';

const FN = 'parseOpenHandsEvents';

/** Options of {@link parseOpenHandsEvents}. */
export interface ParseOpenHandsEventsOptions extends TrajectoryParseOptions {
  /**
   * Renders the tool call of an agent action as the step's action. Default:
   * {@link renderToolCallXml}, the paper's `<function=execute_bash>\n<parameter=command>ls</parameter>\n</function>`
   * form (the one OpenHands itself writes for models without native function calling).
   */
  readonly renderToolCall?: ToolCallRenderer | undefined;
  /**
   * An agent `message` (text to the user, not a tool call): `'steps'` (default) makes it
   * a step whose action is the text and whose observation is the user's answer (the
   * next user messages), as the chat parsers do; `'skip'` drops it, with the user
   * messages that answer it, and counts it in `meta.skippedTextTurns`.
   */
  readonly textTurns?: 'steps' | 'skip' | undefined;
  /**
   * Actions that only think: an agent action whose kind (`action`) or tool name
   * (`tool_call_metadata.function_name`) is listed is not a step. Its thought
   * (`args.thought`, and for a tool other than OpenHands' `think` the tool call's
   * single string argument, or its arguments as JSON) goes before the thought of the
   * next step, after a blank line; its observation is dropped. When no step follows,
   * the text is dropped and counted in `meta.droppedThinkingCalls`;
   * `meta.thinkingCalls` counts all such actions. Default `['think']`; `[]` makes
   * `think` actions steps. The same option as the chat parsers'.
   */
  readonly thinkingTools?: readonly string[] | undefined;
  /**
   * Agent actions to leave out, by kind or tool name: not steps, their observations
   * dropped, their thought carried to the next step; counted in `meta.droppedToolCalls`.
   * The same option as the chat parsers'. Not with `keepTools`.
   */
  readonly dropTools?: readonly string[] | undefined;
  /**
   * The only agent actions (by kind or tool name) that are steps; the others are left
   * out as with `dropTools` (agent messages are not tool calls and stay). Not with `dropTools`.
   */
  readonly keepTools?: readonly string[] | undefined;
  /**
   * The task: `'first-user'` (default) is the text of the first user message (with
   * any other user message sent before the agent's first step, after a blank line), a
   * string; `'messages'` is the system prompt (the first `system` action's
   * `args.content`, when the run has one) and those user messages, as {@link ChatMessage}s.
   */
  readonly taskFrom?: 'first-user' | 'messages' | undefined;
}

const OPTION_KEYS = optionKeys<ParseOpenHandsEventsOptions>({
  source: true,
  id: true,
  onInvalidTurn: true,
  renderToolCall: true,
  textTurns: true,
  thinkingTools: true,
  dropTools: true,
  keepTools: true,
  taskFrom: true,
});

/** Who wrote an event (OpenHands' `EventSource`). */
const SOURCES: readonly string[] = Object.freeze(['user', 'agent', 'environment']);

/** Actions that run the session, not the task: never steps, whoever wrote them. */
const SYSTEM_ACTIONS: readonly string[] = Object.freeze([
  'system',
  'change_agent_state',
  'null',
  'recall',
  'pause',
  'resume',
  'stop',
  'condensation',
  'condensation_request',
]);

/** Observations of the session's state: never a step's observation. */
const STATE_OBSERVATIONS: readonly string[] = Object.freeze(['null', 'agent_state_changed', 'recall', 'condense']);

/** Agent actions that end the run and get no observation from the environment. */
const FINAL_ACTIONS: readonly string[] = Object.freeze(['finish', 'reject']);

/** Bookkeeping fields of OpenHands' action args, left out of a call rebuilt from them. */
const BOOKKEEPING_ARGS: readonly string[] = Object.freeze([
  'thought',
  'impl_source',
  'translated_ipython_code',
  'confirmation_state',
  'security_risk',
  'is_confirmed',
  'hidden',
  'blocking',
  'is_static',
  'cwd',
  'kernel_init_code',
  'include_extra',
  'wait_for_response',
  'image_urls',
  'file_urls',
  'return_axtree',
]);

/** The editor arguments of a `str_replace_editor` call, in the tool's order. */
const EDITOR_ARGS: readonly string[] = Object.freeze(['file_text', 'old_str', 'new_str', 'insert_line', 'view_range']);

function joinTexts(texts: readonly string[]): string {
  return pyStrip(texts.filter((t) => pyStrip(t) !== '').join('\n\n'));
}


function readInteger(ev: Record<string, unknown>, key: string, where: Where, path: string, expected: string, optional: boolean): number | undefined {
  const value = ev[key];
  if (optional && (value === undefined || value === null)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(where, pathKey(path, key), expected, value);
  return value;
}

/** `args[key]` as a string (the path of an error is `args.key`). */
function argString(args: Record<string, unknown>, key: string, where: Where, argsPath: string, expected: string): string {
  const value = args[key];
  if (typeof value !== 'string') fail(where, pathKey(argsPath, key), expected, value);
  return value;
}

/** `args.thought`: a string, or nothing. */
function argThought(args: Record<string, unknown>, where: Where, argsPath: string): string {
  const value = args.thought;
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') fail(where, pathKey(argsPath, 'thought'), 'the thought of the action (a string)', value);
  return value;
}

/** The text of a `message` action: `args.content`, else the event's `message`. */
function messageText(ev: Record<string, unknown>, args: Record<string, unknown>, where: Where, path: string): string {
  if (typeof args.content === 'string') return args.content;
  if ((args.content === undefined || args.content === null) && typeof ev.message === 'string') return ev.message;
  return fail(where, pathKey(pathKey(path, 'args'), 'content'), 'the text of the message (a string)', args.content);
}

/** The model's response in `tool_call_metadata`, as a record, when recorded. */
function modelResponse(ev: Record<string, unknown>): Record<string, unknown> | undefined {
  const meta = ev.tool_call_metadata;
  return isRecord(meta) && isRecord(meta.model_response) ? meta.model_response : undefined;
}

/**
 * The tool call the model emitted for this action: the entry of
 * `tool_call_metadata.model_response.choices[].message.tool_calls` whose id is
 * `tool_call_metadata.tool_call_id`, its `function.arguments` parsed as JSON;
 * undefined when the event records none (no metadata, or a response left out).
 */
function recordedCall(ev: Record<string, unknown>, where: Where, path: string): ToolCall | undefined {
  const metaPath = pathKey(path, 'tool_call_metadata');
  const meta = ev.tool_call_metadata;
  if (meta === undefined || meta === null) return undefined;
  const m = readRecord(meta, where, metaPath, 'tool call metadata {function_name, tool_call_id, model_response}');
  const id = m.tool_call_id;
  const response = m.model_response;
  if (typeof id !== 'string' || !isRecord(response) || !Array.isArray(response.choices)) return undefined;
  const choicesPath = pathKey(pathKey(metaPath, 'model_response'), 'choices');
  for (const [c, choice] of response.choices.entries()) {
    if (!isRecord(choice) || !isRecord(choice.message) || !Array.isArray(choice.message.tool_calls)) continue;
    const callsPath = pathKey(pathKey(pathIndex(choicesPath, c), 'message'), 'tool_calls');
    for (const [t, call] of choice.message.tool_calls.entries()) {
      if (!isRecord(call) || call.id !== id) continue;
      const fnPath = pathKey(pathIndex(callsPath, t), 'function');
      const fn = readRecord(call.function, where, fnPath, 'an object {name, arguments}');
      const name = fn.name;
      if (typeof name !== 'string' || pyStrip(name) === '') fail(where, pathKey(fnPath, 'name'), 'a non-empty tool name', name);
      const argsPath = pathKey(fnPath, 'arguments');
      const raw = fn.arguments;
      if (isRecord(raw)) return { name, arguments: raw, id };
      if (typeof raw !== 'string') fail(where, argsPath, 'the arguments as a JSON string (or an object)', raw);
      let args: unknown;
      try {
        args = JSON.parse(raw);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new TrajectoryError(
          { source: where.source, path: argsPath, expected: 'the arguments as a JSON string', found: `${foundValue(raw)}, not valid JSON (${why})` },
          { cause: error },
        );
      }
      return { name, arguments: args, argumentsText: raw, id };
    }
  }
  return undefined;
}

/**
 * The tool call of an action that records none, rebuilt from its `args` with the
 * names of OpenHands' own tools (see {@link parseOpenHandsEvents}).
 */
function rebuiltCall(kind: string, args: Record<string, unknown>, where: Where, path: string): ToolCall {
  const argsPath = pathKey(path, 'args');
  const present = (key: string): boolean => args[key] !== undefined && args[key] !== null;
  switch (kind) {
    case 'run': {
      const command = argString(args, 'command', where, argsPath, 'the command of a run action (a string)');
      return { name: 'execute_bash', arguments: { command, ...(args.is_input === true && { is_input: 'true' }) } };
    }
    case 'run_ipython':
      return { name: 'execute_ipython_cell', arguments: { code: argString(args, 'code', where, argsPath, 'the code of a run_ipython action (a string)') } };
    case 'edit': {
      if (typeof args.command === 'string' && args.command !== '') {
        const out: Record<string, unknown> = { command: args.command, path: argString(args, 'path', where, argsPath, 'the path of an edit action (a string)') };
        for (const key of EDITOR_ARGS) if (present(key)) out[key] = args[key];
        return { name: 'str_replace_editor', arguments: out };
      }
      if (args.impl_source === 'llm_based_edit') {
        const out: Record<string, unknown> = { path: argString(args, 'path', where, argsPath, 'the path of an edit action (a string)') };
        for (const key of ['content', 'start', 'end']) if (present(key)) out[key] = args[key];
        return { name: 'edit_file', arguments: out };
      }
      return fail(
        where,
        pathKey(argsPath, 'command'),
        "the editor command of an edit action, or the model's tool call in tool_call_metadata",
        args.command,
      );
    }
    case 'read': {
      const out: Record<string, unknown> = { command: 'view', path: argString(args, 'path', where, argsPath, 'the path of a read action (a string)') };
      if (present('view_range')) out.view_range = args.view_range;
      return { name: 'str_replace_editor', arguments: out };
    }
    case 'browse':
      return { name: 'web_read', arguments: { url: argString(args, 'url', where, argsPath, 'the url of a browse action (a string)') } };
    case 'browse_interactive':
      return {
        name: 'browser',
        arguments: { code: argString(args, 'browser_actions', where, argsPath, 'the browser actions of a browse_interactive action (a string)') },
      };
    case 'think':
      return { name: 'think', arguments: { thought: typeof args.thought === 'string' ? args.thought : '' } };
    case 'finish':
      return { name: 'finish', arguments: typeof args.final_thought === 'string' && pyStrip(args.final_thought) !== '' ? { message: args.final_thought } : {} };
    case 'mcp':
      return { name: argString(args, 'name', where, argsPath, 'the tool name of an mcp action (a string)'), arguments: present('arguments') ? args.arguments : {} };
    default: {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(args)) if (!BOOKKEEPING_ARGS.includes(key)) out[key] = value;
      return { name: kind, arguments: out };
    }
  }
}

interface Built {
  action: string;
  thought: string;
  /** `tool`: expects an observation; `text`: a message to the user; `final`: finish / reject. */
  kind: 'tool' | 'text' | 'final';
  results: string[];
  replies: string[];
}

/**
 * Parses an OpenHands run (the event stream it saves, exports and replays: a JSON
 * list of events, as in its `tests/runtime/trajs/*.json`, or an evaluation record
 * `{instance_id, history}`) into a {@link Trajectory}.
 *
 * Each event is an action (`action`, `args`) or an observation (`observation`,
 * `content`, and `cause`: the id of the action it answers), with an `id` and a
 * `source` (`user`, `agent` or `environment`).
 *
 * - **Steps**: one per agent action. The action is the tool call the model emitted,
 *   read from `tool_call_metadata` (the call of `model_response` whose id is
 *   `tool_call_id`, arguments parsed as JSON), so it is exactly what the model wrote
 *   (`execute_bash`, `str_replace_editor`, `execute_ipython_cell`, `browser`,
 *   `finish`, ...), rendered by `renderToolCall` (default {@link renderToolCallXml}).
 *   An action without a recorded call (older runs, no function calling) gets one
 *   rebuilt from its `args` under the same tool names: `run` →
 *   `execute_bash {command}`; `run_ipython` → `execute_ipython_cell {code}`; `edit`
 *   → `str_replace_editor {command, path, file_text, old_str, new_str, insert_line}`
 *   (an LLM-based edit → `edit_file {path, content, start, end}`; an editor edit with
 *   no `command`, whose only record is `translated_ipython_code`, is an invalid
 *   turn); `read` → `str_replace_editor {command: 'view', path}`; `browse` →
 *   `web_read {url}`; `browse_interactive` → `browser {code}`; `finish` → `finish`
 *   (with `final_thought` as `message`); `mcp` → its tool `{arguments}`; any other kind
 *   → that name with its `args` less `thought` and bookkeeping fields. Counted in
 *   `meta.rebuiltActions`.
 * - **Thought**: the action's `args.thought` (OpenHands puts there the text the model
 *   wrote before the call), after the text of any `think` action since the previous
 *   step (see `thinkingTools`: a `think` is not a step).
 * - **`finish`** is a step, normally the last, as SWE-agent's `submit` is (its action
 *   `<function=finish>\n</function>`, its thought the closing summary, never the
 *   "All done!" text OpenHands puts in `message` when the model wrote none); it has
 *   no observation.
 * - **Agent messages** (`action: 'message'` from the agent) are text steps, see `textTurns`.
 * - **Observations** are matched by `cause`, never by position: a step's observation
 *   is the `content` of the observations whose `cause` is its event id (verbatim; joined
 *   by a blank line when there are several), then the user messages sent after it
 *   (below). An observation whose `cause` is no earlier event (or that has none) is
 *   counted in `meta.unmatchedObservations`; one that answers an event that is not a
 *   step (a `think`, a state change, a skipped turn) is dropped. A tool step with no
 *   observation is counted in `meta.missingObservations`.
 * - **Task**: the first user `message` (see `taskFrom`). A later user message is
 *   appended to the observation of the latest step before it (the user's answer to
 *   an agent message, as in the chat parsers; counted in
 *   `meta.appendedUserMessages`); one sent before any step joins the task.
 * - **Not steps**: system and state events (`system`, `change_agent_state`, `null`,
 *   `recall`, `pause`, `resume`, `stop`, `condensation` actions from any source;
 *   `agent_state_changed`, `null`, `recall`, `condense` observations) and actions by
 *   the user or the environment other than user messages. Every event that leaves no
 *   trace in the trajectory is counted in `meta.droppedEvents` by kind
 *   (`'action:change_agent_state'`, `'observation:agent_state_changed'`, ...).
 * - Actions and thoughts are stripped with Python's `str.strip()`; observations are verbatim.
 * - `meta`: `format: 'openhands-events'`, `source`, `events` (events read), `steps`,
 *   `droppedEvents`, `unmatchedObservations`, and when they apply `skippedTurns`,
 *   `skippedTextTurns`, `missingObservations`, `toolErrorSteps` (steps answered by an
 *   `error` observation), `thinkingCalls`, `droppedThinkingCalls`,
 *   `appendedUserMessages`, `rebuiltActions`, `models` (the `model` of the recorded
 *   responses, in order of first use).
 * - `id`: `options.id`, else the record's `instance_id` (object form).
 *
 * Errors name the event by its index: an event that is not an object, lacks an
 * integer `id` (or repeats one), a `source`, or exactly one of `action` /
 * `observation`, or whose `args` is not an object, always throws. An agent action
 * that gives no step (tool-call arguments that are not JSON, a `run` without a
 * command, an empty message) throws too, unless `onInvalidTurn: 'skip'`: then it is
 * dropped with its observations and counted in `meta.skippedTurns`.
 *
 * @param events - The parsed run: an array of events, or an object with a `history` array of events.
 * @param options - Source label, id, renderer, and the policies above.
 * @returns The trajectory.
 * @throws TypeError when `events` is neither, an option is invalid, or `options` has a
 *   key that is not an option (the error names the nearest one).
 * @throws {@link TrajectoryError} with the JSON path of the bad event (`$[12].source`,
 *   `$[3].tool_call_metadata.model_response.choices[0].message.tool_calls[0].function.arguments`),
 *   no user message (the task), or no step.
 * @example
 * ```ts
 * import { parseOpenHandsEvents } from 'srl-kit';
 * const t = parseOpenHandsEvents([
 *   { id: 0, source: 'user', action: 'message', args: { content: 'Rename a.py to b.py' } },
 *   { id: 1, source: 'agent', action: 'run', args: { command: 'mv a.py b.py', thought: 'A plain mv will do.' } },
 *   { id: 2, source: 'agent', observation: 'run', cause: 1, content: '' },
 *   { id: 3, source: 'agent', action: 'finish', args: { thought: 'Done.' } },
 * ]);
 * t.task; //=> 'Rename a.py to b.py'
 * t.steps[0]; //=> { action: '<function=execute_bash>\n<parameter=command>mv a.py b.py</parameter>\n</function>', thought: 'A plain mv will do.', observation: '' }
 * t.steps[1]; //=> { action: '<function=finish>\n</function>', thought: 'Done.' }
 * ```
 */
export function parseOpenHandsEvents(events: unknown, options?: ParseOpenHandsEventsOptions): Trajectory {
  const resolved = resolveOptions(options, FN, OPTION_KEYS);
  const render = functionOption(options?.renderToolCall, FN, 'renderToolCall') ?? renderToolCallXml;
  const textTurns = oneOfOption(options?.textTurns, ['steps', 'skip'], 'steps', FN, 'textTurns');
  const taskFrom = oneOfOption(options?.taskFrom, ['first-user', 'messages'], 'first-user', FN, 'taskFrom');
  const tools = resolveToolPolicy(options, FN);
  /** What an agent action is, by its kind and its tool name: `dropTools` wins, then `thinkingTools`, then `keepTools`. */
  const roleOf = (kind: string, toolName: string | undefined): 'step' | 'thinking' | 'drop' => {
    const names = toolName === undefined ? [kind] : [kind, toolName];
    if (tools.drop !== undefined && names.some((n) => tools.drop!.includes(n))) return 'drop';
    if (names.some((n) => tools.thinking.includes(n))) return 'thinking';
    if (tools.keep !== undefined && !names.some((n) => tools.keep!.includes(n))) return 'drop';
    return 'step';
  };
  const skipInvalid = resolved.build.onInvalidTurn === 'skip';
  const where: Where = { source: resolved.source };

  let list: readonly unknown[];
  let base = '$';
  let recordId: string | undefined;
  if (Array.isArray(events)) {
    list = events;
  } else if (isRecord(events)) {
    base = pathKey('$', 'history');
    list = readArray(events.history, where, base, 'a history array of OpenHands events');
    const iid = events.instance_id;
    if (typeof iid === 'string' || typeof iid === 'number') recordId = String(iid);
  } else {
    throw argumentError(FN, 'events', 'an array of OpenHands events or an object with a history array', events);
  }

  const steps: Built[] = [];
  const stepOfEvent = new Map<number, number>();
  const indexOfId = new Map<number, number>();
  const droppedEvents: Record<string, number> = {};
  const drop = (key: string): void => {
    droppedEvents[key] = (droppedEvents[key] ?? 0) + 1;
  };
  const toolErrorSteps: number[] = [];
  const answered = new Set<number>();
  const models: string[] = [];
  let task: { first: string; more: string[] } | undefined;
  let systemPrompt: string | undefined;
  // Where a user message goes: the task (before any step), a step's observation, or nowhere.
  let replyTarget: number | 'task' | 'drop' = 'task';
  let carried: string[] = [];
  let carriedThinking = 0;
  const counts = { unmatched: 0, skippedTurns: 0, skippedTextTurns: 0, thinking: 0, droppedThinking: 0, droppedTools: 0, appended: 0, rebuilt: 0 };

  const addStep = (id: number, action: string, thought: string, kind: Built['kind']): void => {
    stepOfEvent.set(id, steps.length);
    replyTarget = steps.length;
    steps.push({ action: pyStrip(action), thought: joinTexts([...carried, thought]), kind, results: [], replies: [] });
    carried = [];
    carriedThinking = 0;
  };
  const dropCarried = (): void => {
    counts.droppedThinking += carriedThinking;
    carried = [];
    carriedThinking = 0;
  };

  for (let i = 0; i < list.length; i++) {
    const path = pathIndex(base, i);
    const ev = readRecord(list[i], where, path, 'an OpenHands event object {id, source, action or observation}');
    const id = readInteger(ev, 'id', where, path, 'the id of the event (an integer)', false)!;
    const earlier = indexOfId.get(id);
    if (earlier !== undefined) fail(where, pathKey(path, 'id'), 'a unique event id', id, `id ${id}, already the id of ${pathIndex(base, earlier)}`);
    indexOfId.set(id, i);
    const source = ev.source;
    if (typeof source !== 'string' || !SOURCES.includes(source)) {
      fail(where, pathKey(path, 'source'), `the source of an OpenHands event (${listRoles(SOURCES)})`, source);
    }
    const action = ev.action;
    const observation = ev.observation;
    const isAction = typeof action === 'string';
    const isObservation = typeof observation === 'string';
    if (isAction === isObservation) {
      const found = isAction ? 'both' : `action ${foundValue(action)} and observation ${foundValue(observation)}`;
      fail(where, path, 'an action or an observation (exactly one, a string naming its kind)', undefined, found);
    }

    if (isObservation) {
      const obsKind = observation as string;
      const cause = readInteger(ev, 'cause', where, path, 'the id of the action it answers (an integer) or null', true);
      if (STATE_OBSERVATIONS.includes(obsKind)) {
        drop(`observation:${obsKind}`);
        continue;
      }
      if (cause === undefined || !indexOfId.has(cause) || cause === id) {
        counts.unmatched++;
        drop(`observation:${obsKind}`);
        continue;
      }
      const k = stepOfEvent.get(cause);
      if (k === undefined) {
        drop(`observation:${obsKind}`);
        continue;
      }
      const content = ev.content;
      if (typeof content !== 'string') fail(where, pathKey(path, 'content'), 'the text of the observation (a string)', content);
      steps[k]!.results.push(content);
      answered.add(k);
      if (obsKind === 'error' && !toolErrorSteps.includes(k)) toolErrorSteps.push(k);
      continue;
    }

    const kind = action as string;
    const argsPath = pathKey(path, 'args');
    const args = ev.args === undefined || ev.args === null ? {} : readRecord(ev.args, where, argsPath, 'the args of the action (an object)');
    if (SYSTEM_ACTIONS.includes(kind)) {
      if (kind === 'system' && taskFrom === 'messages' && systemPrompt === undefined && typeof args.content === 'string') {
        systemPrompt = args.content;
        continue;
      }
      drop(`action:${kind}`);
      continue;
    }
    if (source === 'user' && kind === 'message') {
      const text = messageText(ev, args, where, path);
      if (task === undefined) {
        if (pyStrip(text) === '') fail(where, pathKey(argsPath, 'content'), 'the text of the first user message (the task)', text);
        task = { first: text, more: [] };
      } else if (replyTarget === 'task') {
        task.more.push(text);
        counts.appended++;
      } else if (replyTarget === 'drop') {
        drop('action:message');
      } else {
        steps[replyTarget]!.replies.push(text);
        counts.appended++;
      }
      continue;
    }
    if (source !== 'agent') {
      drop(`action:${kind}`);
      continue;
    }

    try {
      const meta = ev.tool_call_metadata;
      const toolName = isRecord(meta) && typeof meta.function_name === 'string' ? meta.function_name : undefined;
      const role = kind === 'message' ? 'step' : roleOf(kind, toolName);
      if (role === 'drop') {
        const thought = argThought(args, where, argsPath);
        if (pyStrip(thought) !== '') carried.push(thought);
        counts.droppedTools++;
        replyTarget = 'drop';
        drop(`action:${kind}`);
        continue;
      }
      if (role === 'thinking') {
        const texts = [argThought(args, where, argsPath)];
        if (kind !== 'think') texts.push(thinkingText((recordedCall(ev, where, path) ?? rebuiltCall(kind, args, where, path)).arguments));
        carried.push(joinTexts(texts));
        carriedThinking++;
        counts.thinking++;
        continue;
      }
      if (kind === 'message') {
        const text = messageText(ev, args, where, path);
        if (pyStrip(text) === '') fail(where, pathKey(argsPath, 'content'), 'the text of the agent message (not empty)', text);
        if (textTurns === 'skip') {
          counts.skippedTextTurns++;
          dropCarried();
          replyTarget = 'drop';
          drop('action:message');
          continue;
        }
        addStep(id, text, argThought(args, where, argsPath), 'text');
        continue;
      }
      // A think made a step (thinkingTools: []) is its own thought: the action holds it.
      const thought = kind === 'think' ? '' : argThought(args, where, argsPath);
      let call = recordedCall(ev, where, path);
      if (call === undefined) {
        call = rebuiltCall(kind, args, where, path);
        counts.rebuilt++;
      } else {
        const model = modelResponse(ev)?.model;
        if (typeof model === 'string' && !models.includes(model)) models.push(model);
      }
      const rendered = render(call);
      if (typeof rendered !== 'string' || pyStrip(rendered) === '') fail(where, path, 'renderToolCall to return a non-empty string', rendered);
      addStep(id, rendered, thought, FINAL_ACTIONS.includes(kind) ? 'final' : 'tool');
    } catch (error) {
      if (!(error instanceof TrajectoryError) || !skipInvalid) throw error;
      counts.skippedTurns++;
      replyTarget = 'drop';
      drop(`action:${kind}`);
    }
  }
  dropCarried();

  if (task === undefined) fail(where, base, 'a user message (the task)', undefined, 'none');
  if (steps.length === 0) fail(where, base, 'at least one agent action (a step)', list);

  const users = [task.first, ...task.more];
  const taskValue: string | ChatMessage[] =
    taskFrom === 'messages'
      ? [...(systemPrompt === undefined ? [] : [{ role: 'system', content: systemPrompt }]), ...users.map((content) => ({ role: 'user', content }))]
      : users.filter((t) => pyStrip(t) !== '').join('\n\n');

  let missing = 0;
  const out = steps.map((s, k): Step => {
    if (s.kind === 'tool' && !answered.has(k)) missing++;
    const step: { action: string; thought?: string; observation?: string } = { action: s.action };
    if (s.thought !== '') step.thought = s.thought;
    const texts = [...s.results, ...s.replies];
    if (texts.length > 0) {
      const nonEmpty = texts.filter((t) => t !== '');
      step.observation = nonEmpty.join('\n\n');
    }
    return step;
  });

  const meta: Record<string, unknown> = { format: 'openhands-events' };
  if (resolved.source !== undefined) meta.source = resolved.source;
  meta.events = list.length;
  meta.steps = out.length;
  meta.droppedEvents = droppedEvents;
  meta.unmatchedObservations = counts.unmatched;
  if (skipInvalid) meta.skippedTurns = counts.skippedTurns;
  if (textTurns === 'skip') meta.skippedTextTurns = counts.skippedTextTurns;
  if (missing > 0) meta.missingObservations = missing;
  if (toolErrorSteps.length > 0) meta.toolErrorSteps = toolErrorSteps;
  if (counts.thinking > 0) meta.thinkingCalls = counts.thinking;
  if (counts.droppedThinking > 0) meta.droppedThinkingCalls = counts.droppedThinking;
  if (tools.drop !== undefined || tools.keep !== undefined) meta.droppedToolCalls = counts.droppedTools;
  if (counts.appended > 0) meta.appendedUserMessages = counts.appended;
  if (counts.rebuilt > 0) meta.rebuiltActions = counts.rebuilt;
  if (models.length > 0) meta.models = models;
  const finalId = resolved.id ?? recordId;
  return { ...(finalId !== undefined && { id: finalId }), task: taskValue, steps: out, meta };
}

import { pyStrip } from '../_lib/python-whitespace.js';
import { thinkingText, type ChatEvent, type TurnPart } from './_chat-steps.js';
import { fail, isRecord, pathIndex, pathKey, readArray, readRecord, readRole, readString, type Where } from './_json-path.js';
import { DEFAULT_TOOL_POLICY, toolCallRole, type ToolPolicy } from './_options.js';
import type { ToolCall, ToolCallRenderer } from './render-tool-call.js';
import { foundValue, TrajectoryError } from './trajectory-error.js';
import type { ChatMessage } from './types.js';

/**
 * The text of a content array (OpenAI content parts, Anthropic blocks): `text`
 * parts verbatim, any other part as a visible `[type]` placeholder (`[image]`),
 * joined by newlines.
 * @internal
 */
export function partsText(parts: readonly unknown[], where: Where, path: string): string {
  return parts
    .map((value, i) => {
      const p = pathIndex(path, i);
      const part = readRecord(value, where, p, 'a content part object');
      const type = readString(part, 'type', where, p, 'a content part type string');
      if (type === 'text') return readString(part, 'text', where, p, 'the text of a text part');
      return `[${type}]`;
    })
    .join('\n');
}

/**
 * The text of an OpenAI message `content`: a string, or an array of content
 * parts; `undefined` for null or absent content when `allowNull`.
 * @internal
 */
export function contentText(content: unknown, where: Where, path: string, allowNull: boolean): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return partsText(content, where, path);
  if (allowNull && (content === null || content === undefined)) return undefined;
  return fail(where, path, allowNull ? 'a string, an array of content parts, or null' : 'a string or an array of content parts', content);
}

/**
 * Renders a call with the user's renderer and checks the result.
 * @internal
 */
export function renderAction(render: ToolCallRenderer, call: ToolCall, where: Where, path: string): string {
  const action = render(call);
  if (typeof action !== 'string' || pyStrip(action) === '') {
    fail(where, path, 'renderToolCall to return a non-empty string', action);
  }
  return action;
}

/**
 * The turn part of one tool call: a thinking or dropped call by `tools` (not
 * rendered), else an action rendered with `render`; `ids` are the ids its results carry.
 * @internal
 */
export function callPart(
  call: ToolCall,
  ids: readonly string[],
  tools: ToolPolicy,
  render: ToolCallRenderer,
  where: Where,
  callPath: string,
): TurnPart {
  const role = toolCallRole(tools, call.name);
  if (role === 'thinking') return { kind: 'thinking', text: thinkingText(call.arguments), ids };
  if (role === 'drop') return { kind: 'dropped', ids };
  return { kind: 'action', action: renderAction(render, call, where, callPath), ids };
}

/**
 * Reads `{name, arguments}` (an OpenAI `function` object) at `path` into a
 * {@link ToolCall}: the name checked, the arguments parsed.
 * @internal
 */
export function readFunctionCall(value: unknown, id: string | undefined, where: Where, path: string): ToolCall {
  const fn = readRecord(value, where, path, 'an object {name, arguments}');
  const name = readString(fn, 'name', where, path, 'a tool name string');
  if (pyStrip(name) === '') fail(where, pathKey(path, 'name'), 'a non-empty tool name', name);
  const argsPath = pathKey(path, 'arguments');
  const raw = fn.arguments;
  let args: unknown;
  let argsText: string | undefined;
  if (typeof raw === 'string') {
    argsText = raw;
    try {
      args = JSON.parse(raw);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new TrajectoryError(
        {
          source: where.source,
          line: where.line,
          path: argsPath,
          expected: 'the arguments as a JSON string',
          found: `${foundValue(raw)}, not valid JSON (${why})`,
        },
        { cause: error },
      );
    }
  } else if (isRecord(raw)) {
    args = raw;
  } else {
    fail(where, argsPath, 'the arguments as a JSON string (or an object)', raw);
  }
  return {
    name,
    arguments: args,
    ...(argsText !== undefined && { argumentsText: argsText }),
    ...(id !== undefined && { id }),
  };
}

/**
 * Reads one entry of an OpenAI `tool_calls` array into a turn part (an action,
 * or a thinking or dropped call by `tools`).
 * @internal
 */
export function readOpenAIToolCall(
  value: unknown,
  where: Where,
  path: string,
  render: ToolCallRenderer,
  tools: ToolPolicy = DEFAULT_TOOL_POLICY,
): TurnPart {
  const call = readRecord(value, where, path, 'a tool call object {id, type, function}');
  if (call.type !== undefined && call.type !== 'function') fail(where, pathKey(path, 'type'), 'the tool call type "function"', call.type);
  const id = call.id;
  if (id !== undefined && id !== null && typeof id !== 'string') fail(where, pathKey(path, 'id'), 'a tool call id string', id);
  const fn = readFunctionCall(call.function, id ?? undefined, where, pathKey(path, 'function'));
  return callPart(fn, typeof id === 'string' ? [id] : [], tools, render, where, path);
}

/**
 * The `tool_calls` of an assistant message as turn parts (or the legacy
 * `function_call`); empty when there are none.
 * @internal
 */
export function readOpenAIToolCalls(
  msg: Record<string, unknown>,
  where: Where,
  path: string,
  render: ToolCallRenderer,
  tools: ToolPolicy = DEFAULT_TOOL_POLICY,
): TurnPart[] {
  const callsPath = pathKey(path, 'tool_calls');
  if (msg.tool_calls !== undefined && msg.tool_calls !== null) {
    const calls = readArray(msg.tool_calls, where, callsPath, 'an array of tool calls');
    if (calls.length > 0) return calls.map((c, j) => readOpenAIToolCall(c, where, pathIndex(callsPath, j), render, tools));
  }
  if (msg.function_call !== undefined && msg.function_call !== null) {
    const p = pathKey(path, 'function_call');
    return [callPart(readFunctionCall(msg.function_call, undefined, where, p), [], tools, render, where, p)];
  }
  return [];
}

/**
 * The ids a role "tool" message answers: `tool_call_id`, or SWE-agent's `tool_call_ids`.
 * @internal
 */
export function toolMessageIds(msg: Record<string, unknown>, where: Where, path: string): string[] {
  const one = msg.tool_call_id;
  if (typeof one === 'string') return [one];
  if (one !== undefined && one !== null) fail(where, pathKey(path, 'tool_call_id'), 'a tool call id string', one);
  const many = msg.tool_call_ids;
  if (many === undefined || many === null) return [];
  const p = pathKey(path, 'tool_call_ids');
  return readArray(many, where, p, 'an array of tool call ids').map((id, k) => {
    if (typeof id !== 'string') fail(where, pathIndex(p, k), 'a tool call id string', id);
    return id;
  });
}

/**
 * The turn parts of an OpenAI assistant message: reasoning (`reasoning_content`
 * or `reasoning`, as vLLM, DeepSeek and OpenRouter record it), then the text
 * content, then the tool calls.
 * @internal
 */
export function openAIAssistantParts(
  msg: Record<string, unknown>,
  where: Where,
  path: string,
  render: ToolCallRenderer,
  tools: ToolPolicy = DEFAULT_TOOL_POLICY,
): TurnPart[] {
  const parts: TurnPart[] = [];
  for (const key of ['reasoning_content', 'reasoning']) {
    const value = msg[key];
    if (typeof value === 'string') {
      parts.push({ kind: 'thought', text: value });
      break;
    }
  }
  const contentPath = pathKey(path, 'content');
  const text = contentText(msg.content, where, contentPath, true);
  if (text !== undefined) parts.push({ kind: 'text', text });
  const calls = readOpenAIToolCalls(msg, where, path, render, tools);
  if (calls.length === 0 && (text === undefined || pyStrip(text) === '')) {
    fail(where, contentPath, 'text content or tool_calls (an assistant message with an action)', msg.content);
  }
  parts.push(...calls);
  return parts;
}

/**
 * Runs `read` for one assistant turn: a {@link TrajectoryError} inside it makes an
 * `invalid` event (so that `onInvalidTurn: 'skip'` can drop it); other errors propagate.
 * @internal
 */
export function turnEvent(read: () => TurnPart[], where: Where, path: string): ChatEvent {
  try {
    return { kind: 'turn', parts: read(), loc: { path, line: where.line } };
  } catch (error) {
    if (error instanceof TrajectoryError) return { kind: 'invalid', error };
    throw error;
  }
}

/** @internal */
export interface NormalizedChat {
  readonly task: ChatMessage[];
  readonly events: ChatEvent[];
}

/**
 * The roles of OpenAI Chat Completions messages: `developer` is the newer models'
 * `system`, `function` the result of a legacy `function_call`.
 * @internal
 */
export const OPENAI_ROLES: readonly string[] = Object.freeze(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

/**
 * Splits OpenAI chat messages into the task (the messages before the first
 * assistant message, filtered by `taskRoles`) and events. A role outside `roles`
 * (the format's, named `format` in the error) is a {@link TrajectoryError} at `$[i].role`.
 * @internal
 */
export function normalizeOpenAIMessages(
  messages: readonly unknown[],
  base: string,
  where: Where,
  render: ToolCallRenderer,
  taskRoles: readonly string[] | undefined,
  roles: readonly string[],
  format: string,
  tools: ToolPolicy = DEFAULT_TOOL_POLICY,
): NormalizedChat {
  const task: ChatMessage[] = [];
  const events: ChatEvent[] = [];
  let started = false;
  messages.forEach((value, i) => {
    const path = pathIndex(base, i);
    const msg = readRecord(value, where, path, 'a message object {role, content}');
    const role = readRole(msg, where, path, roles, format);
    if (role === 'assistant') started = true;
    if (!started) {
      const content = contentText(msg.content, where, pathKey(path, 'content'), false)!;
      if (taskRoles === undefined || taskRoles.includes(role)) task.push({ role, content });
      return;
    }
    if (role === 'assistant') {
      events.push(turnEvent(() => openAIAssistantParts(msg, where, path, render, tools), where, path));
      return;
    }
    const text = contentText(msg.content, where, pathKey(path, 'content'), false)!;
    const ids = role === 'tool' ? toolMessageIds(msg, where, path) : [];
    const idPath = pathKey(path, typeof msg.tool_call_id === 'string' ? 'tool_call_id' : 'tool_call_ids');
    events.push(ids.length > 0 ? { kind: 'result', ids, text, isError: false, loc: { path: idPath } } : { kind: 'env', text });
  });
  return { task, events };
}

/**
 * Throws unless the task has at least one message.
 * @internal
 */
export function assertTask(task: readonly ChatMessage[], where: Where, path: string, taskRoles: readonly string[] | undefined): void {
  if (task.length > 0) return;
  const which = taskRoles === undefined ? 'a message' : `a message with role ${taskRoles.map((r) => JSON.stringify(r)).join(' or ')}`;
  fail(where, path, `${which} before the first assistant message (the task)`, undefined, 'none');
}

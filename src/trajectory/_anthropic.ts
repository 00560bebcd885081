import { pyStrip } from '../_lib/python-whitespace.js';
import type { ChatEvent, TurnPart } from './_chat-steps.js';
import { DEFAULT_TOOL_POLICY, type ToolPolicy } from './_options.js';
import { fail, pathIndex, pathKey, readRecord, readString, type Where } from './_json-path.js';
import { callPart, partsText } from './_openai.js';
import type { ToolCallRenderer } from './render-tool-call.js';

const ASSISTANT_BLOCKS = 'a text, thinking, redacted_thinking or tool_use block';

/**
 * The text of an Anthropic `content` (a string or blocks): text blocks verbatim,
 * other blocks as `[type]` placeholders, joined by newlines.
 * @internal
 */
export function anthropicText(content: unknown, where: Where, path: string): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return partsText(content, where, path);
  return fail(where, path, 'a string or an array of content blocks', content);
}

/**
 * The turn parts of an Anthropic assistant message, block by block: `thinking`
 * is a thought, `text` is visible text, `tool_use` is an action; redacted
 * thinking has no text and is left out. With `requireAction`, a message with no
 * tool call and no text is an error.
 * @internal
 */
export function anthropicAssistantParts(
  msg: Record<string, unknown>,
  where: Where,
  path: string,
  render: ToolCallRenderer,
  requireAction: boolean,
  tools: ToolPolicy = DEFAULT_TOOL_POLICY,
): TurnPart[] {
  const contentPath = pathKey(path, 'content');
  const content = msg.content;
  const parts: TurnPart[] = [];
  if (typeof content === 'string') {
    parts.push({ kind: 'text', text: content });
  } else if (Array.isArray(content)) {
    content.forEach((value, i) => {
      const p = pathIndex(contentPath, i);
      const block = readRecord(value, where, p, 'a content block object');
      const type = readString(block, 'type', where, p, 'a content block type string');
      if (type === 'text') parts.push({ kind: 'text', text: readString(block, 'text', where, p) });
      else if (type === 'thinking') parts.push({ kind: 'thought', text: readString(block, 'thinking', where, p) });
      else if (type === 'redacted_thinking') return;
      else if (type === 'tool_use') parts.push(readToolUse(block, where, p, render, tools));
      else fail(where, pathKey(p, 'type'), ASSISTANT_BLOCKS, type);
    });
  } else {
    fail(where, contentPath, 'a string or an array of content blocks', content);
  }
  if (requireAction && !hasAction(parts)) {
    fail(where, contentPath, 'a tool_use block or text (an assistant message with an action)', content);
  }
  return parts;
}

/**
 * True when the parts hold a tool call (a step or not) or non-blank visible text.
 * @internal
 */
export function hasAction(parts: readonly TurnPart[]): boolean {
  return parts.some((p) => (p.kind === 'text' ? pyStrip(p.text) !== '' : p.kind !== 'thought'));
}

function readToolUse(block: Record<string, unknown>, where: Where, path: string, render: ToolCallRenderer, tools: ToolPolicy): TurnPart {
  const id = readString(block, 'id', where, path, 'a tool_use id string');
  const name = readString(block, 'name', where, path, 'a tool name string');
  if (pyStrip(name) === '') fail(where, pathKey(path, 'name'), 'a non-empty tool name', name);
  if (block.input === undefined) fail(where, pathKey(path, 'input'), 'the tool input (a JSON value)', undefined);
  return callPart({ name, arguments: block.input, id }, [id], tools, render, where, path);
}

/**
 * The events of a non-assistant Anthropic message: one `result` per
 * `tool_result` block (its text; `is_error` kept), and the rest of the message
 * (text, `[image]` placeholders) as one `env` event.
 * @internal
 */
export function anthropicUserEvents(msg: Record<string, unknown>, where: Where, path: string): ChatEvent[] {
  const contentPath = pathKey(path, 'content');
  const content = msg.content;
  if (typeof content === 'string') return [{ kind: 'env', text: content }];
  if (!Array.isArray(content)) return fail(where, contentPath, 'a string or an array of content blocks', content);
  const events: ChatEvent[] = [];
  const texts: string[] = [];
  content.forEach((value, i) => {
    const p = pathIndex(contentPath, i);
    const block = readRecord(value, where, p, 'a content block object');
    const type = readString(block, 'type', where, p, 'a content block type string');
    if (type === 'tool_result') {
      const id = readString(block, 'tool_use_id', where, p, 'a tool_use_id string');
      const resultPath = pathKey(p, 'content');
      const text = block.content === undefined || block.content === null ? '' : anthropicText(block.content, where, resultPath);
      const isError = block.is_error;
      if (isError !== undefined && isError !== null && typeof isError !== 'boolean') {
        fail(where, pathKey(p, 'is_error'), 'a boolean', isError);
      }
      events.push({ kind: 'result', ids: [id], text, isError: isError === true, loc: { path: p, line: where.line } });
    } else if (type === 'text') {
      texts.push(readString(block, 'text', where, p));
    } else {
      texts.push(`[${type}]`);
    }
  });
  if (texts.length > 0) events.push({ kind: 'env', text: texts.join('\n') });
  return events;
}

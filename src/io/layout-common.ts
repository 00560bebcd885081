import { describeType } from '../_lib/describe.js';
import type { StepPrompt } from '../prompts/types.js';
import type { ChatMessage } from '../trajectory/types.js';
import type { ParquetField, ParquetType } from './parquet-schema.js';

/** The Parquet type of a chat: `list<element: struct<role: string, content: string>>`. @internal */
export const CHAT_TYPE: ParquetType = {
  list: {
    struct: [
      { name: 'role', type: 'string' },
      { name: 'content', type: 'string' },
    ],
  },
};

/** The `meta` column/field: the prompt's meta as a JSON string. @internal */
export const META_FIELD: ParquetField = { name: 'meta', type: 'string' };

/**
 * Checks the parts of a step prompt a row uses and returns its messages as plain
 * `{ role, content }` objects (other message fields are not written: the columns
 * stay the same for every row).
 * @internal
 */
export function chatOf(prompt: StepPrompt, fn: string): ChatMessage[] {
  if (prompt === null || typeof prompt !== 'object') {
    throw new TypeError(`${fn}: argument 'prompt' must be a StepPrompt, got ${describeType(prompt)}`);
  }
  const { messages, target, stepIndex, totalSteps, trajectoryId } = prompt;
  if (!Array.isArray(messages)) throw new TypeError(`${fn}: 'prompt.messages' must be an array, got ${describeType(messages)}`);
  if (typeof target !== 'string') throw new TypeError(`${fn}: 'prompt.target' must be a string, got ${describeType(target)}`);
  if (!Number.isSafeInteger(stepIndex) || !Number.isSafeInteger(totalSteps)) {
    throw new TypeError(`${fn}: 'prompt.stepIndex' and 'prompt.totalSteps' must be integers`);
  }
  if (trajectoryId !== undefined && typeof trajectoryId !== 'string') {
    throw new TypeError(`${fn}: 'prompt.trajectoryId' must be a string or undefined, got ${describeType(trajectoryId)}`);
  }
  const chat = new Array<ChatMessage>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as ChatMessage | null | undefined;
    if (m === null || typeof m !== 'object' || typeof m.role !== 'string' || typeof m.content !== 'string') {
      throw new TypeError(`${fn}: 'prompt.messages[${i}]' must be { role: string, content: string }`);
    }
    chat[i] = { role: m.role, content: m.content };
  }
  return chat;
}

/** The prompt's meta as JSON, for the optional `meta` column. @internal */
export function metaJson(prompt: StepPrompt): string {
  return JSON.stringify(prompt.meta ?? {});
}

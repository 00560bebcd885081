import { parseAnthropicMessages } from '../trajectory/parse-anthropic-messages.js';
import { parseGsm8kSolution } from '../trajectory/parse-gsm8k-solution.js';
import { parseMiniSweAgent } from '../trajectory/parse-mini-swe-agent.js';
import { parseNumberedSolution } from '../trajectory/parse-numbered-solution.js';
import { parseOpenAIMessages } from '../trajectory/parse-openai-messages.js';
import { parseSweAgentTrajectory } from '../trajectory/parse-sweagent-trajectory.js';
import { TrajectoryError, foundValue } from '../trajectory/trajectory-error.js';
import type { Trajectory } from '../trajectory/types.js';

/** The input formats of `srl prompts --format`. */
export const INPUT_FORMATS = ['auto', 'numbered', 'openai', 'anthropic', 'sweagent', 'mini-swe-agent'] as const;

/** One of {@link INPUT_FORMATS}. */
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** The format of one record, as `auto` detects it. */
export type DetectedFormat = Exclude<InputFormat, 'auto'> | 'trajectory' | 'gsm8k';

type Rec = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Rec {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function messagesOf(record: unknown): unknown[] | undefined {
  if (Array.isArray(record)) return record;
  if (isRecord(record) && Array.isArray(record['messages'])) return record['messages'];
  return undefined;
}

const TASK_KEYS = ['problem', 'question', 'task'] as const;

function taskText(record: Rec): string | undefined {
  for (const key of TASK_KEYS) if (typeof record[key] === 'string') return record[key];
  return undefined;
}

/**
 * Detects the format of one record (`--format auto`), first rule that matches:
 * 1. an object with `task` and a `steps` array: an already-normalised trajectory;
 * 2. an object with a string `solution` and `problem`, `question` or `task`: numbered;
 * 3. an object with `question` and a string `answer` holding a `####` line: GSM8K;
 * 4. an object with a `trajectory` array, or a `history` array and no `messages`: SWE-agent;
 * 5. messages (an array, or an object with `messages`) where the object's
 *    `trajectory_format` starts with `mini-swe-agent` or an assistant message
 *    holds a ```` ```mswea_bash_command ```` block: mini-swe-agent;
 * 6. messages where some content is an array of blocks of type `tool_use`,
 *    `tool_result` or `text`: Anthropic;
 * 7. any other messages: OpenAI.
 *
 * @param record - One input record.
 * @returns The format, or undefined when no rule matches.
 * @example
 * ```ts
 * detectFormat({ question: 'How many?', answer: '3 + 4 = 7\n#### 7' }); //=> 'gsm8k'
 * detectFormat({ task: 'Add.', steps: [] });                          //=> 'trajectory'
 * ```
 */
export function detectFormat(record: unknown): DetectedFormat | undefined {
  if (isRecord(record)) {
    if (record['task'] !== undefined && Array.isArray(record['steps'])) return 'trajectory';
    if (typeof record['solution'] === 'string' && taskText(record) !== undefined) return 'numbered';
    if (typeof record['question'] === 'string' && typeof record['answer'] === 'string' && /^####/m.test(record['answer'])) return 'gsm8k';
    if (Array.isArray(record['trajectory']) || (Array.isArray(record['history']) && !Array.isArray(record['messages']))) return 'sweagent';
  }
  const messages = messagesOf(record);
  if (messages === undefined) return undefined;
  const format = isRecord(record) ? record['trajectory_format'] : undefined;
  if (typeof format === 'string' && format.startsWith('mini-swe-agent')) return 'mini-swe-agent';
  let anthropic = false;
  for (const m of messages) {
    if (!isRecord(m)) continue;
    const content = m['content'];
    if (typeof content === 'string' && m['role'] === 'assistant' && content.includes('```mswea_bash_command')) return 'mini-swe-agent';
    if (Array.isArray(content) && content.some((b) => isRecord(b) && (b['type'] === 'tool_use' || b['type'] === 'tool_result'))) anthropic = true;
  }
  return anthropic ? 'anthropic' : 'openai';
}

/**
 * Turns one input record into a trajectory (or leaves a normalised one as it is,
 * for `stepPromptStream` to validate).
 *
 * @param record - The record.
 * @param format - `--format`.
 * @param source - A label for errors (`file record N`).
 * @returns The trajectory.
 * @throws TrajectoryError when the record is not in the format.
 * @example
 * ```ts
 * toTrajectory({ id: 7, problem: 'Add.', solution: '1. 1 + 2 = 3\n2. So 3.' }, 'auto', 'in.jsonl record 1');
 * //=> { id: '7', task: 'Add.', steps: [{ action: '1. 1 + 2 = 3' }, { action: '2. So 3.' }], meta: { solutionFormat: 'numbered' } }
 * ```
 */
export function toTrajectory(record: unknown, format: InputFormat, source: string): Trajectory | unknown {
  const detected = format === 'auto' ? detectFormat(record) : format;
  if (detected === undefined) {
    throw new TrajectoryError({
      source,
      path: '$',
      expected: 'a trajectory record ({task, steps}, {problem, solution}, chat messages or a SWE-agent run)',
      found: isRecord(record) ? `an object with keys ${Object.keys(record).slice(0, 6).join(', ') || '(none)'}` : foundValue(record),
    });
  }
  const id = isRecord(record) && (typeof record['id'] === 'string' || typeof record['id'] === 'number') ? String(record['id']) : undefined;
  const base = id === undefined ? { source } : { source, id };
  switch (detected) {
    case 'trajectory':
      return record;
    case 'numbered':
    case 'gsm8k':
      return solutionTrajectory(record, detected, source, id);
    case 'openai':
      return parseOpenAIMessages(messagesOf(record) ?? record, base);
    case 'anthropic': {
      // A record's top-level `system` (the Messages API's place for it) is part of the task,
      // and errors name paths in the record ($.messages[3]).
      const messages = messagesOf(record);
      if (isRecord(record) && messages !== undefined) return parseAnthropicMessages({ system: record['system'], messages }, base);
      return parseAnthropicMessages(messages ?? record, base);
    }
    case 'sweagent':
      return parseSweAgentTrajectory(record, base);
    case 'mini-swe-agent':
      return parseMiniSweAgent(record, base);
  }
}

function solutionTrajectory(record: unknown, format: 'numbered' | 'gsm8k', source: string, id: string | undefined): Trajectory {
  if (!isRecord(record)) throw new TrajectoryError({ source, path: '$', expected: 'an object {problem, solution}', found: foundValue(record) });
  const task = taskText(record);
  if (task === undefined) throw new TrajectoryError({ source, path: '$.problem', expected: 'a string problem, question or task', found: 'none' });
  const key = format === 'gsm8k' ? 'answer' : 'solution';
  const text = record[key];
  if (typeof text !== 'string') throw new TrajectoryError({ source, path: `$.${key}`, expected: 'a string', found: foundValue(text) });
  if (format === 'gsm8k') {
    const parsed = parseGsm8kSolution(text, { source });
    return { ...(id === undefined ? {} : { id }), task, steps: parsed.steps, meta: { answer: parsed.finalAnswer } };
  }
  const parsed = parseNumberedSolution(text, { source, path: `$.${key}` });
  return { ...(id === undefined ? {} : { id }), task, steps: parsed.steps, meta: { solutionFormat: parsed.format } };
}

import {
  parseAnthropicMessages,
  parseGsm8kSolution,
  parseMiniSweAgent,
  parseNumberedSolution,
  parseOpenAIMessages,
  parseOpenHandsEvents,
  parseSweAgentTrajectory,
  parseTauBenchRecord,
  TrajectoryError,
  type Trajectory,
} from '../trajectory/index.js';
import { foundValue } from '../trajectory/trajectory-error.js';

/** The input formats of `srl prompts --format`. */
export const INPUT_FORMATS = ['auto', 'numbered', 'openai', 'anthropic', 'tau-bench', 'sweagent', 'mini-swe-agent', 'openhands'] as const;

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

/**
 * What a record that is a single OpenHands event is: a `.json` array of events is
 * read one element per record, so a run must be one record (one line of a `.jsonl`).
 */
const ONE_EVENT = 'a single OpenHands event (a run is one record: its whole event array, e.g. one line of a .jsonl file)';

/** One OpenHands event: an integer `id`, a `source`, and a string `action` or `observation` (and no chat `role`). */
/**
 * Whether `value` is one event of an OpenHands run (an integer `id`, a `source` of `user`,
 * `agent` or `environment`, a string `action` or `observation`, no `role`).
 * @example
 * ```ts
 * isOpenHandsEvent({ id: 0, source: 'user', action: 'message', args: { content: 'Hi' } }); //=> true
 * ```
 */
export function isOpenHandsEvent(value: unknown): boolean {
  if (!isRecord(value) || value['role'] !== undefined) return false;
  const id = value['id'];
  const source = value['source'];
  return (
    typeof id === 'number' &&
    Number.isInteger(id) &&
    (source === 'user' || source === 'agent' || source === 'environment') &&
    (typeof value['action'] === 'string' || typeof value['observation'] === 'string')
  );
}

/** An OpenHands run: an array of events (judged by its first element), or an object with such a `history`. */
function isOpenHandsRun(record: unknown): boolean {
  const events = Array.isArray(record) ? record : isRecord(record) && Array.isArray(record['history']) ? record['history'] : undefined;
  return events !== undefined && events.length > 0 && isOpenHandsEvent(events[0]);
}

function taskText(record: Rec): string | undefined {
  for (const key of TASK_KEYS) if (typeof record[key] === 'string') return record[key];
  return undefined;
}

/**
 * Detects the format of one record (`--format auto`), first rule that matches:
 * 1. an object with `task` and a `steps` array: an already-normalised trajectory;
 * 2. an object with a string `solution` and `problem`, `question` or `task`: numbered;
 * 3. an object with `question` and a string `answer` holding a `####` line: GSM8K;
 * 4. an OpenHands run: an array whose first element is an event (an integer `id`, a
 *    `source` of `user`, `agent` or `environment`, a string `action` or `observation`,
 *    no `role`), or an object whose `history` is such an array: OpenHands;
 * 5. an object with a `trajectory` array, or a `history` array and no `messages`: SWE-agent;
 * 6. an object with a `traj` array of messages and a `task_id`: a tau-bench record
 *    (`historical_trajectories/*.json` and tau-bench's results files);
 * 7. messages (an array, or an object with `messages`) where the object's
 *    `trajectory_format` starts with `mini-swe-agent` or an assistant message
 *    holds a ```` ```mswea_bash_command ```` block: mini-swe-agent;
 * 8. messages where some content is an array of blocks of type `tool_use`,
 *    `tool_result` or `text`: Anthropic;
 * 9. any other messages: OpenAI.
 *
 * @param record - One input record.
 * @returns The format, or undefined when no rule matches.
 * @example
 * ```ts
 * detectFormat({ question: 'How many?', answer: '3 + 4 = 7\n#### 7' }); //=> 'gsm8k'
 * detectFormat({ task: 'Add.', steps: [] });                          //=> 'trajectory'
 * detectFormat([{ id: 0, source: 'user', action: 'message', args: { content: 'Hi' } }]); //=> 'openhands'
 * ```
 */
export function detectFormat(record: unknown): DetectedFormat | undefined {
  if (isRecord(record)) {
    if (record['task'] !== undefined && Array.isArray(record['steps'])) return 'trajectory';
    if (typeof record['solution'] === 'string' && taskText(record) !== undefined) return 'numbered';
    if (typeof record['question'] === 'string' && typeof record['answer'] === 'string' && /^####/m.test(record['answer'])) return 'gsm8k';
  }
  if (isOpenHandsRun(record)) return 'openhands';
  if (isRecord(record)) {
    if (Array.isArray(record['trajectory']) || (Array.isArray(record['history']) && !Array.isArray(record['messages']))) return 'sweagent';
    if (Array.isArray(record['traj']) && record['task_id'] !== undefined) return 'tau-bench';
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
 * @param agent - Options of the formats with tool calls (`--thinking-tools`, `--drop-tools`,
 * `--keep-tools`; OpenAI, Anthropic, tau-bench, SWE-agent, OpenHands) and of SWE-agent (`--action-from`);
 * the other formats have no tool calls to select.
 * @returns The trajectory.
 * @throws TrajectoryError when the record is not in the format.
 * @example
 * ```ts
 * toTrajectory({ id: 7, problem: 'Add.', solution: '1. 1 + 2 = 3\n2. So 3.' }, 'auto', 'in.jsonl record 1');
 * //=> { id: '7', task: 'Add.', steps: [{ action: '1. 1 + 2 = 3' }, { action: '2. So 3.' }], meta: { solutionFormat: 'numbered' } }
 * ```
 */
export function toTrajectory(record: unknown, format: InputFormat, source: string, agent: AgentRecordOptions = {}): Trajectory | unknown {
  const detected = format === 'auto' ? detectFormat(record) : format;
  if (detected === undefined) {
    throw new TrajectoryError({
      source,
      path: '$',
      expected: 'a trajectory record ({task, steps}, {problem, solution}, chat messages, a SWE-agent run or an OpenHands run)',
      found: isOpenHandsEvent(record)
        ? ONE_EVENT
        : isRecord(record)
          ? `an object with keys ${Object.keys(record).slice(0, 6).join(', ') || '(none)'}`
          : foundValue(record),
    });
  }
  const id = isRecord(record) && (typeof record['id'] === 'string' || typeof record['id'] === 'number') ? String(record['id']) : undefined;
  const base = id === undefined ? { source } : { source, id };
  const { actionFrom, ...toolOptions } = agent;
  const tools = { ...base, ...toolOptions };
  switch (detected) {
    case 'trajectory':
      return record;
    case 'numbered':
    case 'gsm8k':
      return solutionTrajectory(record, detected, source, id);
    case 'openai':
      return parseOpenAIMessages(messagesOf(record) ?? record, tools);
    case 'anthropic': {
      // A record's top-level `system` (the Messages API's place for it) is part of the task,
      // and errors name paths in the record ($.messages[3]).
      const messages = messagesOf(record);
      if (isRecord(record) && messages !== undefined) return parseAnthropicMessages({ system: record['system'], messages }, tools);
      return parseAnthropicMessages(messages ?? record, tools);
    }
    case 'tau-bench':
      return parseTauBenchRecord(record, tools);
    case 'sweagent':
      return parseSweAgentTrajectory(record, actionFrom === undefined ? tools : { ...tools, actionFrom });
    case 'mini-swe-agent':
      return parseMiniSweAgent(record, base);
    case 'openhands':
      if (!Array.isArray(record) && !(isRecord(record) && Array.isArray(record['history']))) {
        throw new TrajectoryError({
          source,
          path: '$',
          expected: 'an OpenHands run (a JSON array of events, or an object with a history array)',
          found: isOpenHandsEvent(record) ? ONE_EVENT : foundValue(record),
        });
      }
      return parseOpenHandsEvents(record, tools);
  }
}

/** The options `srl prompts` passes to the parsers of agent formats; see {@link toTrajectory}. */
export interface AgentRecordOptions {
  /** `--thinking-tools`: calls folded into the next thought (default `['think']`). */
  readonly thinkingTools?: readonly string[];
  /** `--drop-tools`: calls that are not steps. */
  readonly dropTools?: readonly string[];
  /** `--keep-tools`: the only calls that are steps. */
  readonly keepTools?: readonly string[];
  /** `--action-from`: SWE-agent's target, its `action` string or the model's `tool_calls`. */
  readonly actionFrom?: 'action' | 'tool_calls';
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

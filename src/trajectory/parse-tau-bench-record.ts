import { fail, isRecord, pathKey, readArray } from './_json-path.js';
import { argumentError, CHAT_OPTION_KEYS, resolveChatOptions } from './_options.js';
import { openAITrajectory, type MessageFormat } from './parse-openai-messages.js';
import type { ChatParseOptions } from './parse-options.js';
import type { Trajectory } from './types.js';

const FN = 'parseTauBenchRecord';
/** The roles tau-bench writes: its agents talk to a simulated user and call tools (no `developer`, no `function`). */
const TAU_BENCH_FORMAT: MessageFormat = { roles: Object.freeze(['system', 'user', 'assistant', 'tool']), name: 'tau-bench messages' };

/**
 * Parses one record of a tau-bench results file (`{task_id, reward, trial, info,
 * traj}`, as in its `historical_trajectories/*.json`) into a {@link Trajectory}:
 * `traj` is parsed exactly as {@link parseOpenAIMessages} does (task = the
 * system policy and the user's first message; a step per tool call and per
 * reply to the user), and the record's fields go into `id` and `meta`.
 *
 * - `id`: `options.id`, else `"<task_id>/<trial>"` (`"<task_id>"` without a trial),
 *   since one task is run several times;
 * - `meta`: `format: 'tau-bench'`, `taskId`, `trial`, `reward` (1 = the run solved the
 *   task; SRL wants expert runs, so keep the records with reward 1), and the counters
 *   of {@link parseOpenAIMessages};
 * - roles: those tau-bench writes, `system`, `user`, `assistant` and `tool`; any
 *   other is a {@link TrajectoryError} at `$.traj[i].role`;
 * - tau-bench's `think` tool is not a step (`thinkingTools`, default `['think']`): its
 *   `thought` opens the thought of the next step, and `meta.thinkingCalls` counts it.
 *
 * @param record - One element of the results array.
 * @param options - As for {@link parseOpenAIMessages}.
 * @returns The trajectory.
 * @throws TypeError when `record` is not an object, an option is invalid, or `options` has
 *   a key that is not an option (the error names the nearest one).
 * @throws {@link TrajectoryError} with the JSON path (`$.traj[7].tool_calls[0].function.arguments`)
 *   of anything malformed, as {@link parseOpenAIMessages}; also for a role tau-bench does not
 *   write and a `reward` that is not a number.
 * @example
 * ```ts
 * import { parseTauBenchRecord } from 'srl-kit';
 * const records = JSON.parse(text) as unknown[];
 * const expert = records.map((r) => parseTauBenchRecord(r)).filter((t) => t.meta?.reward === 1);
 * expert[0]?.id; //=> '6/0'
 * ```
 */
export function parseTauBenchRecord(record: unknown, options?: ChatParseOptions): Trajectory {
  const resolved = resolveChatOptions(options, FN, CHAT_OPTION_KEYS, TAU_BENCH_FORMAT.roles);
  if (!isRecord(record)) throw argumentError(FN, 'record', 'an object {task_id, reward, traj}', record);
  const where = { source: resolved.source };
  const path = pathKey('$', 'traj');
  const traj = readArray(record.traj, where, path, 'an array of chat messages');
  const taskId = record.task_id;
  if (taskId !== undefined && typeof taskId !== 'string' && typeof taskId !== 'number') {
    fail(where, pathKey('$', 'task_id'), 'a number or a string', taskId);
  }
  const trial = record.trial;
  if (trial !== undefined && typeof trial !== 'number') fail(where, pathKey('$', 'trial'), 'a number', trial);
  const reward = record.reward;
  if (reward !== undefined && (typeof reward !== 'number' || Number.isNaN(reward))) {
    fail(where, pathKey('$', 'reward'), 'a number', reward);
  }
  const id = taskId === undefined ? undefined : trial === undefined ? String(taskId) : `${taskId}/${trial}`;
  return openAITrajectory(traj, path, resolved, 'tau-bench', id, TAU_BENCH_FORMAT, { taskId, trial, reward });
}

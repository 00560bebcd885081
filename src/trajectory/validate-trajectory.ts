import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { pyStrip } from '../_lib/python-whitespace.js';
import { fail, isRecord, pathIndex, pathKey, type Where } from './_json-path.js';
import { stringOption } from './_options.js';
import type { Step, Trajectory } from './types.js';

/** Options of {@link assertTrajectory} and {@link mapSteps}. */
export interface ValidateOptions {
  /** A file name or label of the input, put in every {@link TrajectoryError}. */
  readonly source?: string | undefined;
}

const STEP_FIELDS = ['thought', 'observation', 'title'] as const;

/** The keys of {@link ValidateOptions}. @internal */
export const VALIDATE_OPTION_KEYS = optionKeys<ValidateOptions>({ source: true });

/**
 * Checks one step at `path`: an object whose `action` is a string with something
 * besides whitespace, and whose `thought`, `observation` and `title` are strings
 * when present.
 * @internal
 */
export function checkStep(value: unknown, where: Where, path: string): Step {
  if (!isRecord(value)) fail(where, path, 'a step object {action, thought?, observation?, title?}', value);
  const action = value.action;
  if (typeof action !== 'string' || pyStrip(action) === '') {
    fail(where, pathKey(path, 'action'), 'a non-empty action string', action);
  }
  for (const key of STEP_FIELDS) {
    const field = value[key];
    if (field !== undefined && typeof field !== 'string') fail(where, pathKey(path, key), 'a string or undefined', field);
  }
  return value as unknown as Step;
}

/**
 * Checks that a value is a valid {@link Trajectory} (for data built by hand, read
 * from your own files, or changed after parsing), and narrows its type:
 * - `id`: a string or absent; `meta`: an object or absent;
 * - `task`: a string with text, or a non-empty array of `{role, content}` with string fields;
 * - `steps`: a non-empty array; each step's `action` a string that is not empty or
 *   only whitespace (the reward compares against it); `thought`, `observation`,
 *   `title` strings when present.
 *
 * @param value - The value to check.
 * @param options - `source`, a label for the errors.
 * @throws TypeError when `value` is not an object, or `options` has a key other than `source`.
 * @throws {@link TrajectoryError} with the JSON path of the first problem (`$.steps[2].action`).
 * @example
 * ```ts
 * import { assertTrajectory } from 'srl-kit';
 * assertTrajectory({ task: 'Add 2 and 3.', steps: [{ action: '2 + 3 = 5' }] }); // passes
 * assertTrajectory({ task: 'Add 2 and 3.', steps: [{ action: ' ' }] });
 * // throws TrajectoryError: $.steps[0].action: expected a non-empty action string, found the string " "
 * ```
 */
export function assertTrajectory(value: unknown, options?: ValidateOptions): asserts value is Trajectory {
  const fn = 'assertTrajectory';
  assertOptions(options, fn);
  assertKnownKeys(options, VALIDATE_OPTION_KEYS, fn);
  const where: Where = { source: stringOption(options?.source, fn, 'source') };
  if (!isRecord(value)) throw new TypeError(`${fn}: argument 'value' must be an object, got ${describeType(value)}`);

  if (value.id !== undefined && typeof value.id !== 'string') fail(where, '$.id', 'a string or undefined', value.id);
  if (value.meta !== undefined && !isRecord(value.meta)) fail(where, '$.meta', 'an object or undefined', value.meta);

  const task = value.task;
  if (typeof task === 'string') {
    if (pyStrip(task) === '') fail(where, '$.task', 'a task with text', task);
  } else if (Array.isArray(task)) {
    if (task.length === 0) fail(where, '$.task', 'a string or a non-empty array of chat messages', task);
    task.forEach((m, i) => {
      const path = pathIndex('$.task', i);
      if (!isRecord(m)) fail(where, path, 'a chat message {role, content}', m);
      if (typeof m.role !== 'string') fail(where, pathKey(path, 'role'), 'a role string', m.role);
      if (typeof m.content !== 'string') fail(where, pathKey(path, 'content'), 'a content string', m.content);
    });
  } else {
    fail(where, '$.task', 'a string or an array of chat messages', task);
  }

  const steps = value.steps;
  if (!Array.isArray(steps) || steps.length === 0) fail(where, '$.steps', 'a non-empty array of steps', steps);
  steps.forEach((step, i) => checkStep(step, where, pathIndex('$.steps', i)));
}

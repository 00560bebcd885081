import { assertOptions } from '../_lib/assert.js';
import { describeType } from '../_lib/describe.js';
import { assertKnownKeys } from '../_lib/options.js';
import { pathIndex, type Where } from './_json-path.js';
import { stringOption } from './_options.js';
import { checkStep, VALIDATE_OPTION_KEYS, type ValidateOptions } from './validate-trajectory.js';
import type { Step } from './types.js';

/**
 * Builds the steps of a trajectory from any other format: calls `fn(item, index)`
 * on each item (`null` or `undefined` from `fn` means "not a step") and checks each
 * step it returns (an object with a non-empty `action` string; `thought`,
 * `observation` and `title` strings when present). The steps are copied with only
 * those four fields, absent ones left out.
 *
 * @param items - Any iterable of records (an array, a generator, ...), not a string.
 * @param fn - Maps one record, with its 0-based index, to a step or to null.
 * @param options - `source`, a label for the errors.
 * @returns The steps, in order (possibly empty: check with {@link assertTrajectory}).
 * @throws TypeError when `items` is not iterable (or is a string), `fn` is not a function, or
 *   `options` has a key other than `source`.
 * @throws {@link TrajectoryError} at path `$[i]` (the index of the item) when the returned
 *   step is not valid, e.g. `$[3].action` for an empty action.
 * @example
 * ```ts
 * import { mapSteps } from 'srl-kit';
 * const log = [
 *   { kind: 'cmd', cmd: 'ls', out: 'a.txt' },
 *   { kind: 'note', text: 'looked around' },
 *   { kind: 'cmd', cmd: 'cat a.txt', out: 'hello' },
 * ];
 * mapSteps(log, (r) => (r.kind === 'cmd' ? { action: r.cmd!, observation: r.out! } : null));
 * //=> [{ action: 'ls', observation: 'a.txt' }, { action: 'cat a.txt', observation: 'hello' }]
 * ```
 */
export function mapSteps<T>(
  items: Iterable<T>,
  fn: (item: T, index: number) => Step | null | undefined,
  options?: ValidateOptions,
): Step[] {
  const name = 'mapSteps';
  assertOptions(options, name);
  assertKnownKeys(options, VALIDATE_OPTION_KEYS, name);
  const where: Where = { source: stringOption(options?.source, name, 'source') };
  if (
    typeof items === 'string' ||
    items === null ||
    typeof items !== 'object' ||
    typeof (items as Partial<Iterable<T>>)[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError(`${name}: argument 'items' must be an iterable of records, got ${describeType(items)}`);
  }
  if (typeof fn !== 'function') throw new TypeError(`${name}: argument 'fn' must be a function, got ${describeType(fn)}`);

  const steps: Step[] = [];
  let index = 0;
  for (const item of items) {
    const result = fn(item, index);
    if (result !== null && result !== undefined) {
      const step = checkStep(result, where, pathIndex('$', index));
      steps.push({
        action: step.action,
        ...(step.thought !== undefined && { thought: step.thought }),
        ...(step.observation !== undefined && { observation: step.observation }),
        ...(step.title !== undefined && { title: step.title }),
      });
    }
    index++;
  }
  return steps;
}

import { assertOptions } from '../_lib/assert.js';
import { assertKnownKeys, optionKeys } from '../_lib/options.js';
import { handleRecordError, type OnError, type SkipReport } from '../trajectory/error-policy.js';
import { TrajectoryError, foundValue } from '../trajectory/trajectory-error.js';
import type { Trajectory } from '../trajectory/types.js';
import { resolveOutputFormat } from './system-message.js';
import { BUILD_OPTION_KEYS, buildStepPrompts, type BuildStepPromptsOptions } from './build-step-prompts.js';
import type { StepPrompt } from './types.js';

/** Options of {@link stepPromptStream}: those of `buildStepPrompts`, and an error policy. */
export interface StepPromptStreamOptions extends BuildStepPromptsOptions {
  /** `'throw'` (default) stops at the first bad trajectory; `'skip'` drops it and counts it in `report`. */
  readonly onError?: OnError | undefined;
  /** Where skipped trajectories are counted (see `createSkipReport`). */
  readonly report?: SkipReport | undefined;
}

const STREAM_KEYS = optionKeys<Omit<StepPromptStreamOptions, keyof BuildStepPromptsOptions>>({ onError: true, report: true });
const OPTION_KEYS: readonly string[] = [...BUILD_OPTION_KEYS, ...STREAM_KEYS];

/**
 * {@link buildStepPrompts} over many trajectories, lazily: one trajectory is read
 * and turned into prompts at a time, so a dataset of any size streams through in
 * flat memory. Accepts any iterable or async iterable (e.g. `readJsonl(file)`).
 * Errors name the record (`record 17`) in their `source`. Options are checked when
 * the first prompt is asked for: a bad one, or a key that is not an option (naming the
 * nearest one), is a `TypeError`, whatever `onError` says.
 *
 * @example
 * ```ts
 * import { stepPromptStream, createSkipReport } from 'srl-kit';
 * const report = createSkipReport();
 * const trajectories = [
 *   { task: 'Add 1 and 2.', steps: [{ action: '1 + 2 = 3' }] },
 *   { task: 'Broken', steps: [] },
 * ];
 * const targets = [];
 * for await (const p of stepPromptStream(trajectories, { onError: 'skip', report })) targets.push(p.target);
 * targets;         //=> ['1 + 2 = 3']
 * report.skipped;  //=> 1
 * ```
 */
export async function* stepPromptStream(
  trajectories: Iterable<Trajectory | unknown> | AsyncIterable<Trajectory | unknown>,
  options: StepPromptStreamOptions = {},
): AsyncGenerator<StepPrompt, void, undefined> {
  const fn = 'stepPromptStream';
  assertOptions(options, fn);
  assertKnownKeys(options, OPTION_KEYS, fn);
  const { onError = 'throw', report, ...buildOptions } = options;
  // The parse options are checked before the first record, as the keys are.
  resolveOutputFormat(buildOptions.parse, fn);
  if (onError !== 'throw' && onError !== 'skip') {
    throw new TypeError(`stepPromptStream: option 'onError' must be 'throw' or 'skip', got ${JSON.stringify(onError)}`);
  }
  let index = 0;
  for await (const record of trajectories) {
    const source = `${buildOptions.source ?? 'trajectories'} record ${index}`;
    index++;
    let prompts: StepPrompt[];
    try {
      // A record that is not an object is bad data, not a bad argument: skippable.
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw new TrajectoryError({ source, path: '$', expected: 'a trajectory object', found: foundValue(record) });
      }
      prompts = buildStepPrompts(record as Trajectory, { ...buildOptions, source });
    } catch (error) {
      handleRecordError(error, onError, report);
      continue;
    }
    yield* prompts;
  }
}

import { assertOptions } from '../_lib/assert.js';
import { assertKnownKeys } from '../_lib/options.js';
import type { AlignmentSegment } from './align.js';

/** Options of {@link renderAlignment}. */
export interface RenderAlignmentOptions {
  /** Use ANSI colours (red for action-only text, green for expert-only text) instead of brackets. Default `false`. */
  readonly color?: boolean | undefined;
}

/**
 * Renders an alignment as one line of text, wdiff style: `[-text only the action
 * has-]{+text only the expert step has+}`, or in colour for a terminal.
 *
 * @example
 * ```ts
 * import { alignSequences, renderAlignment } from 'srl-kit';
 * renderAlignment(alignSequences('x = 4', 'x = 5')); //=> 'x = [-4-]{+5+}'
 * ```
 */
export function renderAlignment(segments: readonly AlignmentSegment[], options: RenderAlignmentOptions = {}): string {
  assertOptions(options, 'renderAlignment');
  assertKnownKeys(options, ['color'], 'renderAlignment', 'options');
  const color = options.color === true;
  let out = '';
  for (const { op, text } of segments) {
    if (op === 'equal') out += text;
    else if (color) out += op === 'delete' ? `\u001b[31;9m${text}\u001b[0m` : `\u001b[32m${text}\u001b[0m`;
    else out += op === 'delete' ? `[-${text}-]` : `{+${text}+}`;
  }
  return out;
}

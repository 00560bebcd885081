import type { ScoreResult } from '../pool/index.js';
import type { ScoreRoute } from './request-items.js';

/**
 * The JSON response of `route` for `results`: OpenRLHF's `{ rewards, scores, extra_logs }`
 * on `/reward`, `{ results }` on `/score`.
 * @internal
 * @example
 * ```ts
 * responseBody('/reward', [{ reward: 1, ok: true }]);
 * //=> { rewards: [1], scores: [1], extra_logs: { format_ok: [1] } }
 * ```
 */
export function responseBody(route: ScoreRoute, results: readonly ScoreResult[]): unknown {
  if (route === '/reward') {
    const rewards = results.map((r) => r.reward);
    return { rewards, scores: rewards, extra_logs: { format_ok: results.map((r) => (r.ok ? 1 : 0)) } };
  }
  return { results: results.map((r) => (r.reason === undefined ? { reward: r.reward, ok: r.ok } : { reward: r.reward, ok: r.ok, reason: r.reason })) };
}

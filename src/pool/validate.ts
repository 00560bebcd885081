import { describeType } from '../_lib/describe.js';
import type { ScoreItem } from './types.js';

function assertJsonSafe(value: unknown, fn: string, path: string, depth: number): void {
  if (value === undefined || value === null) return;
  const t = typeof value;
  if (t === 'string' || t === 'boolean') return;
  if (t === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${fn}: '${path}' must be JSON-serialisable, got ${String(value)}`);
    return;
  }
  if (t === 'object' && depth < 8) {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (Array.isArray(value)) {
      value.forEach((v, i) => assertJsonSafe(v, fn, `${path}[${i}]`, depth + 1));
      return;
    }
    if (proto === Object.prototype || proto === null) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) assertJsonSafe(v, fn, `${path}.${k}`, depth + 1);
      return;
    }
  }
  throw new TypeError(`${fn}: '${path}' must be JSON-serialisable (no functions), got ${describeType(value)}`);
}

/** Throws a TypeError naming `items[i].field` for the first malformed item. @internal */
export function validateItems(items: readonly ScoreItem[], fn: string): void {
  if (!Array.isArray(items)) throw new TypeError(`${fn}: argument 'items' must be an array, got ${describeType(items)}`);
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (item === null || typeof item !== 'object') {
      throw new TypeError(`${fn}: 'items[${i}]' must be an object, got ${describeType(item)}`);
    }
    const { output, target, options } = item as Record<string, unknown>;
    if (typeof output !== 'string') throw new TypeError(`${fn}: 'items[${i}].output' must be a string, got ${describeType(output)}`);
    if (typeof target !== 'string') throw new TypeError(`${fn}: 'items[${i}].target' must be a string, got ${describeType(target)}`);
    if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
      throw new TypeError(`${fn}: 'items[${i}].options' must be an object or undefined, got ${describeType(options)}`);
    }
    assertJsonSafe(options, fn, `items[${i}].options`, 0);
  }
}

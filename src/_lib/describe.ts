/**
 * Names the type of a value the way error messages in srl-kit do:
 * `null`, `undefined`, `array`, `NaN`, or the `typeof` name.
 * @internal
 */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}

/**
 * An error thrown while scoring `items[index]`: the scorer's own error is the `cause`.
 * Internal: the pool and the server turn it into an error (or HTTP status) that names
 * the item.
 * @internal
 * @example
 * ```ts
 * try { scoreAll(items); } catch (e) { if (e instanceof ItemError) console.log(e.index, e.cause); }
 * ```
 */
export class ItemError extends Error {
  override readonly name = 'ItemError';
  /** The index of the item that failed. */
  readonly index: number;
  /** What the scorer threw. */
  override readonly cause: unknown;

  /**
   * @param index - The item's index.
   * @param cause - What the scorer threw.
   */
  constructor(index: number, cause: unknown) {
    super(`items[${index}]: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.index = index;
    this.cause = cause;
  }
}

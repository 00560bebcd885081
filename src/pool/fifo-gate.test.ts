import { describe, expect, it } from 'vitest';
import { createFifoGate } from './fifo-gate.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('createFifoGate', () => {
  it('admits at most `limit` at a time, in arrival order', async () => {
    const gate = createFifoGate(2);
    const order: number[] = [];
    const leaves: Array<() => void> = [];
    const entries = Array.from({ length: 6 }, (_, i) =>
      gate.enter().then((leave) => {
        order.push(i);
        leaves[i] = leave;
      }),
    );
    await tick();
    expect(order).toEqual([0, 1]);
    leaves[1]!();
    leaves[1]!(); // leaving twice frees one slot only
    await tick();
    expect(order).toEqual([0, 1, 2]);
    leaves[0]!();
    leaves[2]!();
    await tick();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    leaves[3]!();
    await Promise.all(entries);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('drops a waiter whose signal aborts, and rejects with its reason', async () => {
    const gate = createFifoGate(1);
    const leave = await gate.enter();
    const ac = new AbortController();
    const waiting = gate.enter(ac.signal);
    const next = gate.enter();
    ac.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    leave();
    await expect(next).resolves.toBeTypeOf('function');
    await expect(gate.enter(ac.signal)).rejects.toThrow('client went away');
  });

  it('rejects beyond maxWaiting', async () => {
    const gate = createFifoGate(1, 1);
    const leave = await gate.enter();
    const one = gate.enter();
    await expect(gate.enter()).rejects.toThrow(/queue is at its limit \(maxQueue 1\)/);
    // The one waiter is still queued and gets in when the slot frees.
    leave();
    await expect(one).resolves.toBeTypeOf('function');
  });
});

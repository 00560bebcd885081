import { describe, expect, it } from 'vitest';
import { mapSteps } from './map-steps.js';
import { thrown } from '../../test/helpers/thrown.js';

describe('mapSteps', () => {
  const log = [
    { kind: 'cmd', cmd: 'ls', out: 'a.txt' },
    { kind: 'note', text: 'looked around' },
    { kind: 'cmd', cmd: 'cat a.txt', out: 'hello' },
  ];

  it('maps records to steps, null meaning "not a step", and copies only the step fields', () => {
    const steps = mapSteps(log, (r, i) =>
      r.kind === 'cmd' ? ({ action: r.cmd!, observation: r.out!, thought: undefined, title: `#${i}`, extra: 1 } as never) : null,
    );
    expect(steps).toEqual([
      { action: 'ls', observation: 'a.txt', title: '#0' },
      { action: 'cat a.txt', observation: 'hello', title: '#2' },
    ]);
    expect(Object.keys(steps[0]!)).toEqual(['action', 'observation', 'title']);
  });

  it('takes any iterable, and passes the index of each item', () => {
    function* gen() {
      yield 'a';
      yield 'b';
    }
    expect(mapSteps(gen(), (s, i) => ({ action: `${s}${i}` }))).toEqual([{ action: 'a0' }, { action: 'b1' }]);
    expect(mapSteps(new Set([1]), () => undefined)).toEqual([]);
  });

  it('reports a bad step with the index of its item', () => {
    let e = thrown(() => mapSteps(log, (r) => ({ action: r.kind === 'note' ? '  ' : r.cmd! }), { source: 'log.json' }));
    expect([e.source, e.path, e.expected, e.found]).toEqual(['log.json', '$[1].action', 'a non-empty action string', 'the string "  "']);
    e = thrown(() => mapSteps(log, () => 'ls' as never));
    expect([e.path, e.found]).toEqual(['$[0]', 'the string "ls"']);
    e = thrown(() => mapSteps(log, (r) => ({ action: 'x', observation: r.kind === 'note' ? (3 as never) : 'ok' })));
    expect([e.path, e.expected, e.found]).toEqual(['$[1].observation', 'a string or undefined', 'number 3']);
  });

  it('rejects what is not iterable, strings, and a non-function', () => {
    expect(() => mapSteps('abc' as never, () => null)).toThrow(/argument 'items' must be an iterable of records, got string/);
    expect(() => mapSteps({} as never, () => null)).toThrow(/argument 'items'/);
    expect(() => mapSteps([], 'f' as never)).toThrow(/argument 'fn' must be a function/);
  });
});

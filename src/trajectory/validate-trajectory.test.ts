import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSweAgentTrajectory } from './parse-sweagent-trajectory.js';
import { assertTrajectory } from './validate-trajectory.js';
import { thrown } from '../../test/helpers/thrown.js';

describe('assertTrajectory', () => {
  it('accepts parsed trajectories and hand-made ones', () => {
    const raw = readFileSync(resolve(import.meta.dirname, '../../test/fixtures/trajectories/agent/sweagent_marshmallow-1867_thought_action.traj'), 'utf8');
    const t: unknown = parseSweAgentTrajectory(JSON.parse(raw));
    assertTrajectory(t);
    expect(t.steps).toHaveLength(14); // narrowed to Trajectory
    expect(() => assertTrajectory({ id: 'a', task: [{ role: 'user', content: '' }], steps: [{ action: 'x', title: 't' }], meta: {} })).not.toThrow();
  });

  it('names the first problem with its JSON path', () => {
    const cases: [unknown, string, string, string][] = [
      [{ task: ' ', steps: [{ action: 'x' }] }, '$.task', 'a task with text', 'the string " "'],
      [{ task: [], steps: [{ action: 'x' }] }, '$.task', 'a string or a non-empty array of chat messages', 'an array of 0'],
      [{ task: [{ role: 'user' }], steps: [{ action: 'x' }] }, '$.task[0].content', 'a content string', 'nothing'],
      [{ task: 3, steps: [{ action: 'x' }] }, '$.task', 'a string or an array of chat messages', 'number 3'],
      [{ task: 't', steps: [] }, '$.steps', 'a non-empty array of steps', 'an array of 0'],
      [{ task: 't', steps: [{ action: 'x' }, { action: '' }] }, '$.steps[1].action', 'a non-empty action string', 'an empty string'],
      [{ task: 't', steps: [{ action: 'x', thought: null }] }, '$.steps[0].thought', 'a string or undefined', 'null'],
      [{ task: 't', steps: [{ action: 'x' }], id: 7 }, '$.id', 'a string or undefined', 'number 7'],
      [{ task: 't', steps: [{ action: 'x' }], meta: [] }, '$.meta', 'an object or undefined', 'an array of 0'],
    ];
    for (const [value, path, expected, found] of cases) {
      const e = thrown(() => assertTrajectory(value, { source: 'mine.json' }));
      expect([e.source, e.path, e.expected, e.found]).toEqual(['mine.json', path, expected, found]);
    }
    expect(() => assertTrajectory(null)).toThrow(/argument 'value' must be an object, got null/);
  });
});

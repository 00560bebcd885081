/**
 * Every script in examples/ runs, as a user would run it (`npx tsx examples/<name>.ts`).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const run = (file: string, args: string[] = []) =>
  execFileSync(tsx, [join('examples', file), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

describe('examples', () => {
  const scripts = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));

  it.each(scripts)('%s runs and exits 0', (file) => {
    expect(() => run(file)).not.toThrow();
  });

  it('the demo prints the rewards CPython difflib gives for the bundled sample', () => {
    const out = run('demo.ts', ['--no-color']);
    // python3: difflib.SequenceMatcher(None, action, expert).ratio() for each well-formed output, -1 otherwise.
    const expected: Record<string, number[]> = {
      'gsm8k-test-0/step-1': [0.8775510204081632, 0.4752475247524752, 0.41379310344827586, -1, -1],
      'sweagent-marshmallow-1867/step-4': [1.0, 0.9047619047619048, 0.2465753424657534, -1],
      'sweagent-marshmallow-1867/step-5': [0.9178947368421052, 0.4160756501182033],
    };
    for (const [id, rewards] of Object.entries(expected)) {
      const block = out.slice(out.indexOf(id), out.indexOf('group:', out.indexOf(id)));
      const printed = [...block.matchAll(/reward\s+(-?\d+\.\d+)/g)].map((m) => Number(m[1]));
      expect(printed).toEqual(rewards.map((r) => Number(r.toFixed(4))));
    }
    expect(out).toContain('format error (unclosed-think)');
    expect(out).toContain('create reproduce[-_bug-].py');
  });
});

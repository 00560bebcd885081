import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { oneLine, runCliAsync } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-agent-opts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TAU = 'test/fixtures/trajectories/chat/tau-bench_gpt-4o-airline_first10.json';
const MINI = 'test/fixtures/trajectories/agent/mini-swe-agent_github_issue.traj.json';
const OPENHANDS = 'test/fixtures/trajectories/agent/openhands_basic_gui_mode.json';

const rows = (path: string): { prompt: { role: string; content: string }[]; target: string }[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

/** tau-bench's `think` calls, counted in the raw file. */
function thinkCalls(): number {
  const records = JSON.parse(readFileSync(TAU, 'utf8')) as { traj: { tool_calls?: { function: { name: string } }[] }[] }[];
  return records.flatMap((r) => r.traj.flatMap((m) => m.tool_calls ?? [])).filter((c) => c.function.name === 'think').length;
}

describe('srl prompts: agent options (issue 9)', () => {
  it('reads tau-bench records; think calls are thoughts by default, steps with --thinking-tools ""', async () => {
    const [folded, asSteps, dropped] = await Promise.all([
      runCliAsync(['prompts', TAU, '-o', join(dir, 'tau.jsonl')]),
      runCliAsync(['prompts', TAU, '-o', join(dir, 'tau-steps.jsonl'), '--thinking-tools', '']),
      runCliAsync(['prompts', TAU, '-o', join(dir, 'tau-drop.jsonl'), '--drop-tools', 'think,get_user_details']),
    ]);
    for (const r of [folded, asSteps, dropped]) expect(r.code, r.stderr).toBe(0);
    const a = rows(join(dir, 'tau.jsonl'));
    const b = rows(join(dir, 'tau-steps.jsonl'));
    expect(thinkCalls()).toBeGreaterThan(0);
    expect(b.length - a.length).toBe(thinkCalls());
    expect(a.some((p) => p.target.startsWith('think('))).toBe(false);
    expect(b.filter((p) => /\bthink\b/.test(p.target.split('\n')[0] ?? '')).length).toBe(thinkCalls());
    expect(rows(join(dir, 'tau-drop.jsonl')).some((p) => /get_user_details/.test(p.target))).toBe(false);
  }, 60_000);

  it('a .json array of messages or of OpenHands events is one run', async () => {
    const [mini, oh] = await Promise.all([
      runCliAsync(['prompts', MINI, '-o', join(dir, 'mini.jsonl')]),
      runCliAsync(['prompts', OPENHANDS, '-o', join(dir, 'oh.jsonl')]),
    ]);
    expect(mini.code, mini.stderr).toBe(0);
    expect(mini.stderr).toMatch(/records: 1, trajectories: 1, prompts: 10,/);
    expect(oh.code, oh.stderr).toBe(0);
    expect(oh.stderr).toMatch(/records: 1, trajectories: 1, prompts: 5,/);
  }, 60_000);

  it('--parse makes the prompts ask for the format scored; bad values and conflicting flags are usage errors', async () => {
    const r = await runCliAsync(['prompts', MINI, '-o', join(dir, 'reasoning.jsonl'), '--parse', '{"thinkTag":"reasoning"}']);
    expect(r.code, r.stderr).toBe(0);
    const system = rows(join(dir, 'reasoning.jsonl'))[0]!.prompt[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('<reasoning>');
    expect(system.content).not.toContain('<think>');
    const [bad, both, key] = await Promise.all([
      runCliAsync(['prompts', MINI, '-o', join(dir, 'x.jsonl'), '--parse', '{"thinkTag":""}']),
      runCliAsync(['prompts', MINI, '-o', join(dir, 'y.jsonl'), '--drop-tools', 'a', '--keep-tools', 'b']),
      runCliAsync(['prompts', MINI, '-o', join(dir, 'z.jsonl'), '--parse', '{"thinktag":"r"}']),
    ]);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr, 'srl prompts')).toMatch(/^srl prompts: option --parse: .*thinkTag/);
    expect(both.code).toBe(2);
    expect(oneLine(both.stderr, 'srl prompts')).toMatch(/--drop-tools and --keep-tools cannot be used together/);
    expect(key.code).toBe(2);
    expect(oneLine(key.stderr, 'srl prompts')).toMatch(/did you mean 'thinkTag'\?/);
  }, 60_000);
});

describe('srl score --parse (issue 9)', () => {
  it('unwrapAction scores the command inside the framework\'s block: 1 for the expert\'s command in the task\'s own format', async () => {
    const rollouts = join(dir, 'rollouts.jsonl');
    const output = '<think>list first</think>THOUGHT: I will list the files.\n\n```mswea_bash_command\nls -la\n```';
    writeFileSync(rollouts, `${JSON.stringify({ output, target: 'ls -la' })}\n`);
    const [plain, unwrapped] = await Promise.all([
      runCliAsync(['score', rollouts, '--workers', '0']),
      runCliAsync(['score', rollouts, '--workers', '0', '--parse', '{"unwrapAction":"mini-swe-agent"}']),
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout).reward).toBeLessThan(1);
    expect(unwrapped.code, unwrapped.stderr).toBe(0);
    expect(JSON.parse(unwrapped.stdout)).toMatchObject({ reward: 1, format_ok: true });
  }, 60_000);
});

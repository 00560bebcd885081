/**
 * Real trajectory files -> parsers -> step prompts, checked against what the raw
 * files hold (read here with plain JSON code, independently of the parsers).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStepPrompts, parseGsm8kSolution, parseSweAgentTrajectory, parseTauBenchRecord, stepReward } from '../../src/index.js';

const fixture = (p: string) => readFileSync(resolve(import.meta.dirname, '..', 'fixtures', 'trajectories', p), 'utf8');

describe('SWE-agent trajectory to step prompts', () => {
  const raw = JSON.parse(fixture('agent/sweagent_marshmallow-1867_thought_action.traj')) as {
    trajectory: { action: string; observation: string }[];
  };
  const prompts = buildStepPrompts(parseSweAgentTrajectory(raw, { form: 'trajectory' }));

  it('has one prompt per recorded action, whose target is that action', () => {
    expect(prompts).toHaveLength(raw.trajectory.length);
    expect(prompts.map((p) => p.target)).toEqual(raw.trajectory.map((t) => t.action.trim()));
  });

  it('shows the two previous rounds with their real observations', () => {
    const user = prompts[5]?.messages.find((m) => m.role === 'user')?.content ?? '';
    expect(user).toContain(`Action 4:\n${raw.trajectory[3]?.action.trim()}`);
    expect(user).toContain(`Observation 5:\n${raw.trajectory[4]?.observation}`);
    expect(user).not.toContain('Action 3:');
  });

  it('gives reward 1 to an output that reproduces the target', () => {
    for (const p of prompts) expect(stepReward(`<think>plan</think>\n${p.target}\n`, p.target)).toBe(1);
  });
});

describe('tau-bench chats to step prompts', () => {
  const records = JSON.parse(fixture('chat/tau-bench_gpt-4o-airline_first10.json')) as {
    traj: { role: string; tool_calls?: { function: { name: string } }[] }[];
  }[];

  it('makes a prompt for every tool call of the raw chats but think (text turns skipped)', () => {
    for (const record of records) {
      const all = record.traj.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []));
      // tau-bench's think tool is the agent's reasoning, not an action: never a target.
      const calls = all.filter((c) => c.function.name !== 'think');
      if (calls.length === 0) continue;
      const prompts = buildStepPrompts(parseTauBenchRecord(record, { textTurns: 'skip' }));
      expect(prompts).toHaveLength(calls.length);
      expect(prompts.map((p) => p.target.slice(0, p.target.indexOf('(')))).toEqual(calls.map((c) => c.function.name));
      // thinkingTools: [] makes them targets again.
      expect(buildStepPrompts(parseTauBenchRecord(record, { textTurns: 'skip', thinkingTools: [] }))).toHaveLength(all.length);
    }
  });
});

describe('GSM8K solutions to step prompts', () => {
  const records = fixture('math/gsm8k_test.jsonl')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { question: string; answer: string });

  it('gives one prompt per solution line before "####", for all 1,319 problems', () => {
    let prompts = 0;
    let lines = 0;
    for (const r of records) {
      lines += r.answer.split('\n#### ')[0]?.split('\n').filter((l) => l.trim() !== '').length ?? 0;
      prompts += buildStepPrompts({ task: r.question, steps: parseGsm8kSolution(r.answer).steps }).length;
    }
    expect(records).toHaveLength(1319);
    expect(prompts).toBe(lines);
  });
});

/**
 * Issue 9, part 1: the task of an agent framework asks for the answer in the
 * framework's own wrapper (mini-swe-agent: a ```mswea_bash_command block; SWE-agent's
 * thought_action parser: a DISCUSSION, then the command in a ``` fence), while the
 * target of a step is the bare command. The reconciliation is `parse.unwrapAction`:
 * the output is read as the framework reads its model's response, so an output that
 * gives the expert's command in the prompted format scores exactly 1.
 *
 * On the real files. The targets are checked against the raw files (plain JSON code);
 * the scores of before are CPython's `difflib.SequenceMatcher(None, action,
 * target).ratio()` on the same outputs (means summed left to right, as here).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildStepPrompts,
  parseMiniSweAgent,
  parseSweAgentTrajectory,
  renderToolCallXml,
  stepReward,
  type ParseStepOutputOptions,
  type Trajectory,
} from '../../src/index.js';

const fixture = (p: string) => readFileSync(resolve(import.meta.dirname, '..', 'fixtures', 'trajectories', 'agent', p), 'utf8');

/** The model's output: a monologue, then the response in a given format. */
const output = (response: string) => `<think>The expert's next command, in the format the task asks for.</think>\n${response}`;

function scores(outputs: readonly string[], targets: readonly string[], parse?: ParseStepOutputOptions): { mean: number; min: number; all: number[] } {
  const all = outputs.map((o, i) => stepReward(o, targets[i]!, parse === undefined ? {} : { parse }));
  let sum = 0;
  for (const r of all) sum += r;
  return { mean: sum / all.length, min: Math.min(...all), all };
}

describe('mini-swe-agent: the task asks for one ```mswea_bash_command block', () => {
  const raw = JSON.parse(fixture('mini-swe-agent_github_issue.traj.json')) as { role: string; content: string }[];
  const expert = raw.filter((m) => m.role === 'assistant').map((m) => m.content);
  const t = parseMiniSweAgent(raw);
  const targets = t.steps.map((s) => s.action);
  const parse: ParseStepOutputOptions = { unwrapAction: 'mini-swe-agent' };

  it('the task (and the system prompt) ask for the block; the targets are the bare commands', () => {
    expect(t.task).toContain('```mswea_bash_command\nls -la\n```');
    expect(raw[0]!.content).toContain('Your response must contain exactly ONE bash code block');
    expect(targets).toHaveLength(10);
    expect(targets[0]).toBe('cat /Users/fuchur/Documents/24/git_sync/swe-agent-test-repo/tests/./missing_colon.py');
    targets.forEach((target, i) => expect(expert[i]).toContain(`\`\`\`mswea_bash_command\n${target}\n\`\`\``));
  });

  it('before: the expert command in the block scores 0.7275 on average, 0.3158 at worst (the issue: 0.72, 0.32)', () => {
    const fenced = scores(
      targets.map((c) => output(`\`\`\`mswea_bash_command\n${c}\n\`\`\``)),
      targets,
    );
    expect(fenced.mean).toBe(0.7275402869691756);
    expect(fenced.min).toBe(0.3157894736842105);
    // The expert's own messages (THOUGHT, then the block) score lower still.
    const own = scores(expert.map(output), targets);
    expect(own.mean).toBe(0.3917294472299419);
    expect(own.min).toBe(0.09230769230769231);
  });

  it("after: with parse.unwrapAction 'mini-swe-agent' every such output scores exactly 1, at every step", () => {
    expect(scores(targets.map((c) => output(`\`\`\`mswea_bash_command\n${c}\n\`\`\``)), targets, parse).all).toEqual(Array(10).fill(1));
    expect(scores(expert.map(output), targets, parse).all).toEqual(Array(10).fill(1));
    // A bare command is compared as written (1); with requireActionBlock it breaks the
    // framework's format, as do two blocks (mini-swe-agent rejects both).
    expect(stepReward(output(targets[0]!), targets[0]!, { parse })).toBe(1);
    expect(stepReward(output(targets[0]!), targets[0]!, { parse: { ...parse, requireActionBlock: true } })).toBe(-1);
    expect(stepReward(output(`${expert[0]}\n${expert[1]}`), targets[0]!, { parse })).toBe(-1);
  });

  it('the same parse options go to buildStepPrompts: an output in the format its instructions ask for scores 1; requireActionBlock is refused there', () => {
    const prompts = buildStepPrompts(t, { parse });
    expect(prompts.map((p) => p.target)).toEqual(targets);
    // The instructions ask for the action bare after </think>: with unwrapAction that scores too.
    prompts.forEach((p) => expect(stepReward(`<think>plan</think>\n${p.target}`, p.target, { parse })).toBe(1));
    expect(() => buildStepPrompts(t, { parse: { ...parse, requireActionBlock: true } })).toThrow(/option 'parse\.requireActionBlock' demands the framework's own action block/);
  });
});

describe('SWE-agent (thought_action): the system prompt asks for a DISCUSSION, then the command in a ``` fence', () => {
  const raw = JSON.parse(fixture('sweagent_marshmallow-1867_thought_action.traj')) as {
    trajectory: { response: string; thought: string; action: string }[];
    history: { role: string; content: string }[];
  };
  const parse: ParseStepOutputOptions = { unwrapAction: 'swe-agent' };
  const forms: [string, Trajectory][] = [
    ['trajectory', parseSweAgentTrajectory(raw, { taskFrom: 'messages' })],
    ['history', parseSweAgentTrajectory(raw, { taskFrom: 'messages', form: 'history' })],
  ];

  it('the system prompt asks for the DISCUSSION and fence; the targets are the bare commands (both forms)', () => {
    expect(raw.history[0]!.content).toContain('DISCUSSION\nFirst I\'ll start by using ls to see what files are in the current directory.');
    expect(raw.history[0]!.content).toContain('```\nls -a\n```');
    for (const [, t] of forms) {
      expect((t.task as { role: string; content: string }[])[0]!.content).toBe(raw.history[0]!.content);
      expect(t.steps.map((s) => s.action)).toEqual(raw.trajectory.map((e) => e.action.trim()));
    }
  });

  const targets = raw.trajectory.map((e) => e.action.trim());
  const outputs = {
    fence: targets.map((c) => output(`\`\`\`\n${c}\n\`\`\``)),
    discussion: raw.trajectory.map((e, i) => output(`DISCUSSION\n${e.thought.trim()}\n\n\`\`\`\n${targets[i]}\n\`\`\``)),
    own: raw.trajectory.map((e) => output(e.response)),
  };

  it('before: 0.8046 on average (worst 0.5556) for the fence alone, 0.23 (worst 0.02) with the discussion', () => {
    expect(scores(outputs.fence, targets)).toMatchObject({ mean: 0.8045623358276127, min: 0.5555555555555556 });
    expect(scores(outputs.discussion, targets)).toMatchObject({ mean: 0.2272788508850751, min: 0.023474178403755867 });
    expect(scores(outputs.own, targets)).toMatchObject({ mean: 0.23597413345449622, min: 0.024154589371980676 });
  });

  it("after: with parse.unwrapAction 'swe-agent' every such output scores exactly 1, at every step, in both forms", () => {
    for (const [form, t] of forms) {
      const steps = t.steps.map((s) => s.action);
      for (const [name, list] of Object.entries(outputs)) {
        expect(scores(list, steps, parse).all, `${form}, ${name}`).toEqual(Array(14).fill(1));
      }
    }
    // Step 10 is a multi-line edit: its inner lines survive the unwrapping.
    expect(targets[9]!.split('\n').length).toBeGreaterThan(2);
    expect(stepReward(output(targets[0]!), targets[0]!, { parse })).toBe(1);
    expect(stepReward(output(targets[0]!), targets[0]!, { parse: { ...parse, requireActionBlock: true } })).toBe(-1);
  });
});

describe('SWE-agent (function calling): the str_replace demo asks for a tool call, no text format', () => {
  const raw = parse(fixture('sweagent_str_replace_anthropic_demo.yaml')) as {
    history: { role: string; content: string; tool_calls?: { function: { name: string; arguments: string } }[] }[];
  };
  const calls = raw.history.flatMap((m) => m.tool_calls ?? []).map((c) => c.function);

  it('its task has no response format to reconcile: the rendered call, repeated, scores 1 with the default parse', () => {
    const t = parseSweAgentTrajectory(raw);
    expect(t.task).not.toMatch(/DISCUSSION|mswea_bash_command|must contain/);
    const targets = t.steps.map((s) => s.action);
    expect(targets).toEqual(calls.map((c) => `${c.name}(${JSON.stringify(JSON.parse(c.arguments))})`));
    expect(scores(targets.map(output), targets).all).toEqual(Array(4).fill(1));
    // In the paper's XML layout too (renderToolCallXml), for targets and outputs alike.
    const xml = parseSweAgentTrajectory(raw, { renderToolCall: renderToolCallXml }).steps.map((s) => s.action);
    expect(xml[3]).toBe('<function=submit>\n</function>');
    expect(scores(xml.map(output), xml).all).toEqual(Array(4).fill(1));
  });
});

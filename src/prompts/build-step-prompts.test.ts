import { describe, expect, it } from 'vitest';
import { TrajectoryError } from '../trajectory/trajectory-error.js';
import type { ChatMessage, Trajectory } from '../trajectory/types.js';
import { buildStepPrompts } from './build-step-prompts.js';
import { createSkipReport } from '../trajectory/error-policy.js';
import { stepPromptStream } from './step-prompt-stream.js';
import { agentTemplate } from './agent-template.js';
import type { StepPromptTemplate } from './template-context.js';
import { parseStepOutput, type ParseStepOutputOptions } from '../reward/parse-step-output.js';
import { stepReward } from '../reward/step-reward.js';
import { SRL_AGENT_INSTRUCTION, SRL_AGENT_SYSTEM_PROMPT, SRL_MATH_SYSTEM_PROMPT } from './system-prompts.js';

const math: Trajectory = {
  id: 'coprime',
  task: 'How many pairs (a, b) of positive integers with a + b = 12 are coprime?',
  steps: [
    { title: 'Pairs', action: '1. **Pairs**: The pairs are (1, 11), (2, 10), ..., (11, 1).' },
    { title: 'Coprime Pairs', action: '2. **Coprime Pairs**: gcd(a, b) = gcd(a, 12), so a must be coprime to 12.' },
    { title: 'Count', action: '3. **Count**: a is 1, 5, 7 or 11: 4 pairs.' },
  ],
  meta: { source: 'test' },
};

const agent: Trajectory = {
  id: 'swe-1',
  task: [
    { role: 'system', content: 'You are an autonomous programmer.' },
    { role: 'user', content: 'Fix the rounding bug in TimeDelta.' },
  ],
  steps: [
    { action: 'ls', observation: 'src tests' },
    { action: 'open src/fields.py', observation: '[file contents]' },
    { action: 'edit 1:1', observation: 'File updated.' },
    { action: 'submit' },
  ],
};

const user = (m: readonly ChatMessage[]) => (m.find((x) => x.role === 'user') as ChatMessage).content;

describe('buildStepPrompts: maths template (paper §2)', () => {
  const prompts = buildStepPrompts(math);

  it('makes one prompt per step, with the expert step as the target', () => {
    expect(prompts.map((p) => p.stepIndex)).toEqual([0, 1, 2]);
    expect(prompts.map((p) => p.target)).toEqual(math.steps.map((s) => s.action));
    expect(prompts.every((p) => p.totalSteps === 3 && p.trajectoryId === 'coprime')).toBe(true);
  });

  it("uses the paper's system prompt and the figure's layout", () => {
    const p = prompts[2];
    expect(p?.messages[0]).toEqual({ role: 'system', content: SRL_MATH_SYSTEM_PROMPT });
    expect(user(p?.messages ?? [])).toBe(
      [
        `Question: ${math.task as string}`,
        `Solution:\n${math.steps[0]?.action}\n${math.steps[1]?.action}`,
        'Complete a single step of the partial solution: provide only the very next step.',
      ].join('\n\n'),
    );
    expect(user(prompts[0]?.messages ?? [])).toContain('Solution:\n\nComplete');
  });

  it('keeps the trajectory meta and says what it did in meta.srl', () => {
    expect(prompts[2]?.meta).toEqual({
      source: 'test',
      srl: { template: 'math', historyShown: 2, droppedByWindow: 0, droppedByBudget: 0, observationsCut: 0 },
    });
  });

  it("reveals the next step's title as a hint (the paper's footnote)", () => {
    const p = buildStepPrompts(math, { hint: true })[1];
    expect(user(p?.messages ?? [])).toContain('Next step: 2. **Coprime Pairs**\n\nComplete');
    expect(p?.meta['srl']).toMatchObject({ hint: '2. **Coprime Pairs**' });
  });

  it("offers the paper's literal k = 1..N-1 and custom target choices", () => {
    expect(buildStepPrompts(math, { targets: 'all-but-last' }).map((p) => p.stepIndex)).toEqual([0, 1]);
    expect(buildStepPrompts(math, { targets: (k) => k === 1 }).map((p) => p.stepIndex)).toEqual([1]);
  });

  it('honours the history window, system prompt and instruction overrides', () => {
    const p = buildStepPrompts(math, { history: 1, systemPrompt: null, instruction: 'Next step, please.' })[2];
    expect(p?.messages).toHaveLength(1);
    expect(user(p?.messages ?? [])).toBe(`Question: ${math.task as string}\n\nSolution:\n${math.steps[1]?.action}\n\nNext step, please.`);
    expect(p?.meta['srl']).toMatchObject({ historyShown: 1, droppedByWindow: 1 });
  });
});

describe('buildStepPrompts: agent template (paper §1)', () => {
  const prompts = buildStepPrompts(agent);

  it('is chosen automatically when steps have observations; target = the action alone', () => {
    expect(prompts.map((p) => p.target)).toEqual(['ls', 'open src/fields.py', 'edit 1:1', 'submit']);
    expect(prompts[0]?.meta['srl']).toMatchObject({ template: 'agent' });
  });

  it("keeps the task's own system message before the SRL instructions; the task and the last 2 rounds", () => {
    const p = prompts[3];
    expect(p?.messages[0]).toEqual({
      role: 'system',
      content: [
        'The task has its own instructions, between the <task_instructions> tags below. Follow them, except for the format of your response: use the format given after them, which replaces any response format they describe.',
        '<task_instructions>\nYou are an autonomous programmer.\n</task_instructions>',
        SRL_AGENT_SYSTEM_PROMPT,
      ].join('\n\n'),
    });
    expect(user(p?.messages ?? [])).toBe(
      [
        'Fix the rounding bug in TimeDelta.',
        'Previous actions (2 of 3):',
        'Action 2:\nopen src/fields.py',
        'Observation 2:\n[file contents]',
        'Action 3:\nedit 1:1',
        'Observation 3:\nFile updated.',
        'Provide only the very next action.',
      ].join('\n\n'),
    );
    expect(p?.meta['srl']).toMatchObject({ historyShown: 2, droppedByWindow: 1 });
  });

  it('falls back to the default agent system prompt for a string task', () => {
    const p = buildStepPrompts({ task: 'Do it.', steps: agent.steps })[0];
    expect(p?.messages[0]?.content).toBe(SRL_AGENT_SYSTEM_PROMPT);
  });

  it('cuts long observations when asked, and says so', () => {
    const long: Trajectory = { task: 't', steps: [{ action: 'cat big', observation: 'x'.repeat(100) }, { action: 'next' }] };
    const p = buildStepPrompts(long, { maxObservationLength: 10 })[1];
    expect(user(p?.messages ?? [])).toContain(`Observation 1:\n${'x'.repeat(10)}\n[... 90 characters cut]`);
    expect(p?.meta['srl']).toMatchObject({ observationsCut: 1 });
  });
});

describe('buildStepPrompts: the system message (issue 9)', () => {
  const system = (t: Trajectory, o: Parameters<typeof buildStepPrompts>[1] = {}) => buildStepPrompts(t, o)[0]?.messages[0];
  const INTRO =
    'The task has its own instructions, between the <task_instructions> tags below. Follow them, except for the format of your response: use the format given after them, which replaces any response format they describe.';
  const section = (text: string) => `<task_instructions>\n${text}\n</task_instructions>`;

  it("is the paper's maths prompt, verbatim (its appendix, three lines)", () => {
    expect(SRL_MATH_SYSTEM_PROMPT).toBe(
      'You are a helpful assistant for solving mathematical problems. A user will provide a math problem, which may include a partial solution. Your task is to continue the solution by providing the very next logical step.\n' +
        'A user will ask you to solve a task. You should first draft your thinking process (inner monologue). Then, generate the solution.\n' +
        'Your response format must follow the template below:<think> Your thoughts or/and draft, like working through an exercise on scratch paper. Be as casual and as long as you want until you are confident to generate a correct solution.</think> Provide only the single, next step to continue the solution. Do not solve the entire problem.',
    );
    expect(system(math, { parse: {} })?.content).toBe(SRL_MATH_SYSTEM_PROMPT);
    expect(system(math, { parse: { requireThink: false, implicitOpen: true } })?.content).toBe(SRL_MATH_SYSTEM_PROMPT);
  });

  it('keeps a maths chat task\'s own system message too, in the same layout', () => {
    const chat: Trajectory = { task: [{ role: 'system', content: 'Use exact fractions.' }, { role: 'user', content: math.task as string }], steps: math.steps };
    const prompts = buildStepPrompts(chat);
    expect(prompts[0]?.meta['srl']).toMatchObject({ template: 'math' });
    expect(prompts[0]?.messages[0]?.content).toBe([INTRO, section('Use exact fractions.'), SRL_MATH_SYSTEM_PROMPT].join('\n\n'));
    expect(user(prompts[0]?.messages ?? [])).toBe(`Question: ${math.task as string}\n\nSolution:\n\nComplete a single step of the partial solution: provide only the very next step.`);
  });

  it('renders the response template from the parse options: the think tag, and the solution tag when unwrapping', () => {
    const reasoning = system(agent, { parse: { thinkTag: 'reasoning' } })?.content ?? '';
    expect(reasoning).toBe([INTRO, section('You are an autonomous programmer.'), SRL_AGENT_SYSTEM_PROMPT.replace('<think>', '<reasoning>').replace('</think>', '</reasoning>')].join('\n\n'));
    expect(reasoning).not.toContain('think>');
    const wrapped = system(math, { parse: { unwrapSolution: 'require', solutionTag: 'answer' } })?.content ?? '';
    expect(wrapped.split('\n')[2]).toBe(
      'Your response format must follow the template below:<think> Your thoughts or/and draft, like working through an exercise on scratch paper. Be as casual and as long as you want until you are confident to generate a correct solution.</think> <answer> Provide only the single, next step to continue the solution. Do not solve the entire problem.</answer>',
    );
    expect(system(math, { parse: { unwrapSolution: true } })?.content).toContain('</think> <solution> Provide only');
  });

  it('one parse object drives the prompt and the reward', () => {
    const parse: ParseStepOutputOptions = { thinkTag: 'reasoning', unwrapSolution: 'require' };
    const p = buildStepPrompts(math, { parse })[1]!;
    expect(p.messages[0]?.content).toContain('<reasoning>');
    const output = `<reasoning>gcd</reasoning>\n<solution>${p.target}</solution>`;
    expect(parseStepOutput(output, parse)).toEqual({ ok: true, thought: 'gcd', action: p.target });
    expect(stepReward(output, p.target, { parse })).toBe(1);
    expect(stepReward(`<think>gcd</think>\n${p.target}`, p.target, { parse })).toBe(-1);
  });

  it('joins every system and developer message of the task, in order, verbatim; empty ones are left out', () => {
    const t: Trajectory = {
      task: [
        { role: 'system', content: '# Policy\n\n- be kind  ' },
        { role: 'developer', content: 'Answer in French.' },
        { role: 'system', content: '  ' },
        { role: 'user', content: 'Book a flight.' },
      ],
      steps: agent.steps,
    };
    const [p] = buildStepPrompts(t);
    expect(p?.messages[0]?.content).toBe([INTRO, section('# Policy\n\n- be kind  \n\nAnswer in French.'), SRL_AGENT_SYSTEM_PROMPT].join('\n\n'));
    expect(user(p?.messages ?? [])).toBe('Book a flight.\n\nProvide only the very next action.');
    const empty: Trajectory = { task: [{ role: 'system', content: '' }, { role: 'user', content: 'Book a flight.' }], steps: agent.steps };
    expect(system(empty)?.content).toBe(SRL_AGENT_SYSTEM_PROMPT);
  });

  it('a systemPrompt string replaces the whole; null sends no system message, as before', () => {
    expect(system(agent, { systemPrompt: 'Act.', parse: { thinkTag: 'reasoning' } })).toEqual({ role: 'system', content: 'Act.' });
    const [p] = buildStepPrompts(agent, { systemPrompt: null });
    expect(p?.messages).toEqual([{ role: 'user', content: 'Fix the rounding bug in TimeDelta.\n\nProvide only the very next action.' }]);
  });

  it("the old layout (the task's own system message alone) is one custom template away (docs/prompts.md)", () => {
    const ownSystemOnly: StepPromptTemplate = (c) => {
      const own = typeof c.trajectory.task === 'string' ? undefined : c.trajectory.task.find((m) => m.role === 'system')?.content;
      return agentTemplate({ ...c, systemPrompt: own ?? SRL_AGENT_SYSTEM_PROMPT });
    };
    const options = { template: ownSystemOnly, history: 2, instruction: SRL_AGENT_INSTRUCTION };
    const prompts = buildStepPrompts(agent, options);
    expect(prompts.map((p) => p.messages[0])).toEqual(prompts.map(() => ({ role: 'system', content: 'You are an autonomous programmer.' })));
    expect(prompts.map((p) => user(p.messages))).toEqual(buildStepPrompts(agent).map((p) => user(p.messages)));
    expect(buildStepPrompts({ task: 'Do it.', steps: agent.steps }, options)[0]?.messages[0]?.content).toBe(SRL_AGENT_SYSTEM_PROMPT);
  });

  it('gives a custom template the composed system prompt', () => {
    const seen: (string | null)[] = [];
    buildStepPrompts(agent, {
      template: (c) => {
        seen.push(c.systemPrompt);
        return [{ role: 'user', content: 'x' }];
      },
      targets: (k) => k === 0,
      parse: { thinkTag: 'reasoning' },
    });
    expect(seen).toEqual([[INTRO, section('You are an autonomous programmer.'), SRL_MATH_SYSTEM_PROMPT.replace('<think>', '<reasoning>').replace('</think>', '</reasoning>')].join('\n\n')]);
  });

  it('checks the parse options as stepReward does, naming the function and the path', () => {
    expect(() => buildStepPrompts(math, { parse: { thinktag: 'reasoning' } as never })).toThrow(
      "buildStepPrompts: unknown option 'thinktag' in 'options.parse' (did you mean 'thinkTag'?); valid options: thinkTag, requireThink, implicitOpen, unwrapSolution, solutionTag",
    );
    expect(() => buildStepPrompts(math, { parse: { thinkTag: 'my tag' } })).toThrow(
      /^buildStepPrompts: option 'parse\.thinkTag' must be a tag name such as 'think' .*, got "my tag"$/,
    );
    expect(() => buildStepPrompts(math, { parse: { unwrapSolution: 'yes' as never } })).toThrow(/^buildStepPrompts: option 'parse\.unwrapSolution' must be true, false or 'require', got "yes"$/);
    expect(() => buildStepPrompts(math, { parse: 'reasoning' as never })).toThrow(/^buildStepPrompts: option 'parse' must be an object of parseStepOutput options .*, got /);
    // Checked even when a systemPrompt string makes them unused: a typo is never ignored.
    expect(() => buildStepPrompts(math, { systemPrompt: 'x', parse: { implicitopen: true } as never })).toThrow(TypeError);
  });

  it('stepPromptStream checks them before reading a record', async () => {
    let read = 0;
    async function* records() {
      read++;
      yield math;
    }
    await expect(async () => {
      for await (const _ of stepPromptStream(records(), { onError: 'skip', parse: { thinkTag: '' } })) void _;
    }).rejects.toThrow(/^stepPromptStream: option 'parse\.thinkTag' must be a tag name/);
    expect(read).toBe(0);
  });
});

describe('buildStepPrompts: token budget', () => {
  // One token per whitespace-separated word of all messages: easy to reason about.
  const words = (m: readonly ChatMessage[]) => m.reduce((n, x) => n + x.content.split(/\s+/).filter(Boolean).length, 0);
  const steps = Array.from({ length: 6 }, (_, i) => ({ action: `step ${i + 1} ${'w '.repeat(10).trim()}` }));
  const t: Trajectory = { task: 'a task of six words here', steps };

  it('drops the oldest history first until the prompt fits, never the task or instruction', () => {
    const full = buildStepPrompts(t, { systemPrompt: null })[5];
    const budget = words(full?.messages ?? []) - 12; // one step of 12 words must go
    const p = buildStepPrompts(t, { systemPrompt: null, maxPromptTokens: budget, countTokens: words })[5];
    expect(p?.meta['srl']).toMatchObject({ droppedByBudget: 1, historyShown: 4 });
    expect((p?.meta['srl'] as { promptTokens: number }).promptTokens).toBeLessThanOrEqual(budget);
    expect(user(p?.messages ?? [])).not.toContain('step 1 ');
    expect(user(p?.messages ?? [])).toContain('step 2 ');
    expect(user(p?.messages ?? [])).toContain('Question: a task of six words here');
    expect(user(p?.messages ?? [])).toContain('Complete a single step');
  });

  it('errors (or keeps, flagged) when the task and instruction alone are over budget', () => {
    expect(() => buildStepPrompts(t, { maxPromptTokens: 5, countTokens: words, systemPrompt: null })).toThrow(TrajectoryError);
    const kept = buildStepPrompts(t, { maxPromptTokens: 5, countTokens: words, systemPrompt: null, overBudget: 'keep' })[3];
    expect(kept?.meta['srl']).toMatchObject({ overBudget: true, historyShown: 0, droppedByBudget: 3 });
  });

  it('needs a counter', () => {
    expect(() => buildStepPrompts(t, { maxPromptTokens: 100 })).toThrow(/'maxPromptTokens' needs 'countTokens'/);
  });
});

describe('buildStepPrompts: custom templates and bad input', () => {
  it('calls a custom template with the context', () => {
    const p = buildStepPrompts(math, {
      template: (c) => [{ role: 'user', content: `${c.stepIndex}:${c.history.length}:${c.historyStart}` }],
    });
    expect(p.map((x) => x.messages[0]?.content)).toEqual(['0:0:0', '1:1:0', '2:2:0']);
    expect(p[0]?.meta['srl']).toMatchObject({ template: 'custom' });
  });

  it('rejects a template that returns no messages, naming the step', () => {
    expect(() => buildStepPrompts(math, { template: () => [] })).toThrow(/\$\.steps\[0\]/);
  });

  it('never produces a prompt with an empty target', () => {
    expect(() => buildStepPrompts({ task: 't', steps: [{ action: 'a' }, { action: '' }] })).toThrow(TrajectoryError);
    expect(() => buildStepPrompts({ task: 't', steps: [] })).toThrow(TrajectoryError);
  });

  it('rejects bad options with a TypeError naming them', () => {
    expect(() => buildStepPrompts(math, { history: -1 })).toThrow(/option 'history' must be a non-negative integer, got -1/);
    expect(() => buildStepPrompts(math, { template: 'chat' as never })).toThrow(/option 'template'/);
    expect(() => buildStepPrompts(math, { targets: 'some' as never })).toThrow(/option 'targets'/);
  });
});

describe('stepPromptStream', () => {
  it('streams prompts of many trajectories, from sync and async iterables', async () => {
    async function* gen() {
      yield math;
      yield agent;
    }
    const out = [];
    for await (const p of stepPromptStream(gen())) out.push(p.trajectoryId);
    expect(out).toEqual(['coprime', 'coprime', 'coprime', 'swe-1', 'swe-1', 'swe-1', 'swe-1']);
  });

  it('skips bad trajectories only when asked, and counts them', async () => {
    const bad = [math, { task: 't', steps: [] }, 42, agent];
    await expect(async () => {
      for await (const _ of stepPromptStream(bad)) void _;
    }).rejects.toThrow(/record 1/);
    const report = createSkipReport();
    let n = 0;
    for await (const _ of stepPromptStream(bad, { onError: 'skip', report })) n++;
    expect(n).toBe(7);
    expect(report.skipped).toBe(2);
    expect(report.errors.map((e) => e.source)).toEqual(['trajectories record 1', 'trajectories record 2']);
  });
});

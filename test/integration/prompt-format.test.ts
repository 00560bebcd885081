/**
 * Every built-in template x parser pair, on the real trajectory files: the rendered
 * system message keeps the task's own system text verbatim (the policy the agent must
 * follow) and states the output format that `parseStepOutput` enforces with the same
 * options the reward is computed with (issue 9). The format is checked by use, not by
 * a string match alone: an output written as the prompt's own template shows parses,
 * and scores 1 when its action is the expert's step.
 *
 * The raw files are read here with plain JSON code, independently of the parsers, so
 * the expected system texts and user texts come from the files, not from the code under test.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  buildStepPrompts,
  parseAnthropicMessages,
  parseClaudeCodeTranscript,
  parseGsm8kSolution,
  parseMiniSweAgent,
  parseNumberedSolution,
  parseOpenAIMessages,
  parseStepOutput,
  parseSweAgentTrajectory,
  parseTauBenchRecord,
  stepReward,
  type BuildStepPromptsOptions,
  type ChatMessage,
  type ParseStepOutputOptions,
  type StepPrompt,
  type Trajectory,
} from '../../src/index.js';

const fixture = (p: string) => readFileSync(resolve(import.meta.dirname, '..', 'fixtures', 'trajectories', p), 'utf8');

interface RawMessage {
  role: string;
  content: unknown;
}
const systemOf = (messages: readonly RawMessage[]): string => {
  const m = messages.find((x) => x.role === 'system');
  if (m === undefined || typeof m.content !== 'string') throw new Error('the fixture has no system message with text');
  return m.content;
};
const firstUserText = (messages: readonly RawMessage[]): string => {
  const m = messages.find((x) => x.role === 'user');
  if (m === undefined || typeof m.content !== 'string') throw new Error('the fixture has no user message with text');
  return m.content;
};

// tau-bench: OpenAI chat messages whose first message is the airline policy.
const tau = JSON.parse(fixture('chat/tau-bench_gpt-4o-airline_first10.json')) as { traj: RawMessage[] }[];
const tauRecord = tau[0]!;
const tauPolicy = systemOf(tauRecord.traj);

// Claude Code: one event per line; its user and assistant events carry Anthropic messages.
const claudeCodeText = fixture('chat/claude-code-log_representative_messages.jsonl');
const claudeCodeEvents = claudeCodeText
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { type: string; message?: { role: string; content: string | { type: string; text?: string }[] } });
const anthropicMessages = claudeCodeEvents.filter((e) => e.type === 'user' || e.type === 'assistant').map((e) => e.message!);
const claudeCodeTask = (() => {
  const content = anthropicMessages[0]!.content;
  return typeof content === 'string' ? content : content.map((b) => b.text ?? '').join('');
})();

// SWE-agent: a .traj (its history starts with the system prompt) and a .yaml demo (no system message).
const sweTraj = JSON.parse(fixture('agent/sweagent_marshmallow-1867_thought_action.traj')) as { history: RawMessage[] };
const sweYaml = parseYaml(fixture('agent/sweagent_str_replace_anthropic_demo.yaml')) as { history: RawMessage[] };
// mini-swe-agent: a JSON list of messages, the first its system prompt.
const mini = JSON.parse(fixture('agent/mini-swe-agent_github_issue.traj.json')) as RawMessage[];

// Maths: GSM8K problems, and the numbered solutions (the preamble is the problem).
const gsm8k = fixture('math/gsm8k_test.jsonl')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .slice(0, 20)
  .map((l) => JSON.parse(l) as { question: string; answer: string });
const numbered = ['basic.md', 'title-styles.md', 'untitled.md', 'givens-then-steps.md'].map((name) => {
  const text = fixture(`numbered/${name}`);
  return { name, preamble: text.split('\n\n')[0]!, text };
});

interface Case {
  /** The template x parser pair. */
  readonly name: string;
  readonly template: 'agent' | 'math';
  readonly trajectories: readonly Trajectory[];
  /** The task's own system text, as the raw file holds it (undefined: the trajectory has none). */
  readonly taskSystem: string | undefined;
  /** Text of the task's user turn, as the raw file holds it: it must still be in the user message. */
  readonly taskText: readonly string[];
}

const cases: Case[] = [
  {
    name: 'agent x parseOpenAIMessages (tau-bench chat)',
    template: 'agent',
    trajectories: [parseOpenAIMessages(tauRecord.traj)],
    taskSystem: tauPolicy,
    taskText: [firstUserText(tauRecord.traj)],
  },
  {
    name: 'agent x parseTauBenchRecord',
    template: 'agent',
    trajectories: tau.map((r) => parseTauBenchRecord(r)),
    taskSystem: tauPolicy,
    taskText: tau.map((r) => firstUserText(r.traj)),
  },
  {
    name: 'agent x parseAnthropicMessages (the Claude Code messages, the tau-bench policy as top-level system)',
    template: 'agent',
    trajectories: [
      parseAnthropicMessages({ system: tauPolicy, messages: anthropicMessages }),
      parseAnthropicMessages({ system: [{ type: 'text', text: tauPolicy }], messages: anthropicMessages }),
    ],
    taskSystem: tauPolicy,
    taskText: [claudeCodeTask, claudeCodeTask],
  },
  {
    name: 'agent x parseAnthropicMessages (no system)',
    template: 'agent',
    trajectories: [parseAnthropicMessages(anthropicMessages)],
    taskSystem: undefined,
    taskText: [claudeCodeTask],
  },
  {
    name: 'agent x parseClaudeCodeTranscript',
    template: 'agent',
    trajectories: [parseClaudeCodeTranscript(claudeCodeText)],
    taskSystem: undefined,
    taskText: [claudeCodeTask],
  },
  {
    name: "agent x parseSweAgentTrajectory (.traj, taskFrom: 'messages')",
    template: 'agent',
    trajectories: [parseSweAgentTrajectory(sweTraj, { taskFrom: 'messages' })],
    taskSystem: systemOf(sweTraj.history),
    taskText: [firstUserText(sweTraj.history)],
  },
  {
    name: "agent x parseSweAgentTrajectory (.traj, form: 'trajectory')",
    template: 'agent',
    trajectories: [parseSweAgentTrajectory(sweTraj, { form: 'trajectory' })],
    taskSystem: undefined,
    taskText: [firstUserText(sweTraj.history)],
  },
  {
    name: "agent x parseSweAgentTrajectory (.yaml, taskFrom: 'messages')",
    template: 'agent',
    trajectories: [parseSweAgentTrajectory(sweYaml, { taskFrom: 'messages' })],
    taskSystem: undefined,
    taskText: [firstUserText(sweYaml.history)],
  },
  {
    name: "agent x parseMiniSweAgent (taskFrom: 'messages')",
    template: 'agent',
    trajectories: [parseMiniSweAgent(mini, { taskFrom: 'messages' })],
    taskSystem: systemOf(mini),
    taskText: [firstUserText(mini)],
  },
  {
    name: 'agent x parseMiniSweAgent (first user message)',
    template: 'agent',
    trajectories: [parseMiniSweAgent(mini)],
    taskSystem: undefined,
    taskText: [firstUserText(mini)],
  },
  {
    name: 'math x parseGsm8kSolution',
    template: 'math',
    trajectories: gsm8k.map((r) => ({ task: r.question, steps: parseGsm8kSolution(r.answer).steps })),
    taskSystem: undefined,
    taskText: gsm8k.map((r) => r.question),
  },
  {
    name: 'math x parseNumberedSolution',
    template: 'math',
    trajectories: numbered.map((n) => ({ task: n.preamble, steps: parseNumberedSolution(n.text).steps })),
    taskSystem: undefined,
    taskText: numbered.map((n) => n.preamble),
  },
  {
    // A maths chat with its own system message (no maths file has one): a real system text,
    // the first line of mini-swe-agent's system prompt, on real GSM8K problems.
    name: 'math x parseGsm8kSolution (chat task with a system message)',
    template: 'math',
    trajectories: gsm8k.slice(0, 5).map((r) => ({
      task: [
        { role: 'system', content: systemOf(mini).split('\n')[0]! },
        { role: 'user', content: r.question },
      ],
      steps: parseGsm8kSolution(r.answer).steps,
    })),
    taskSystem: systemOf(mini).split('\n')[0]!,
    taskText: gsm8k.slice(0, 5).map((r) => r.question),
  },
];

/** The parse options a user scores with; the same object goes to buildStepPrompts and stepReward. */
const optionSets: { name: string; parse: ParseStepOutputOptions | undefined }[] = [
  { name: 'default options', parse: undefined },
  { name: "thinkTag 'reasoning'", parse: { thinkTag: 'reasoning' } },
  { name: "thinkTag 'thinking', implicitOpen", parse: { thinkTag: 'thinking', implicitOpen: true } },
  { name: 'requireThink false', parse: { requireThink: false } },
  { name: "unwrapSolution 'require', solutionTag 'answer'", parse: { thinkTag: 'reasoning', unwrapSolution: 'require', solutionTag: 'answer' } },
  { name: 'unwrapSolution true', parse: { unwrapSolution: true } },
];

const TAG = /^<([A-Za-z_][\w.:-]*)>/;

/**
 * The response template the system message shows (the text after "follow the template
 * below:"), split into the think tag it names, its monologue, and the solution tag
 * that wraps the action, if any. Read from the prompt only: nothing here knows the options.
 */
function promptTemplate(system: string): { thinkTag: string; monologue: string; solutionTag: string | undefined } {
  const lines = system.split('\n').filter((l) => l.includes('follow the template below:'));
  expect(lines.length, 'one line of the system message shows the response template').toBe(1);
  const template = lines[0]!.slice(lines[0]!.indexOf('follow the template below:') + 'follow the template below:'.length).trim();
  const open = TAG.exec(template);
  expect(open, `the template starts with a think tag: ${template}`).not.toBeNull();
  const thinkTag = open![1]!;
  const close = `</${thinkTag}>`;
  const end = template.indexOf(close);
  expect(end, `the template closes <${thinkTag}>`).toBeGreaterThan(0);
  const monologue = template.slice(0, end + close.length);
  const rest = template.slice(end + close.length).trim();
  const sol = TAG.exec(rest);
  const solutionTag = sol !== null && rest.endsWith(`</${sol[1]}>`) ? sol[1] : undefined;
  return { thinkTag, monologue, solutionTag };
}

const userOf = (messages: readonly ChatMessage[]): string => messages.find((m) => m.role === 'user')?.content ?? '';

describe('built-in templates state the format that parseStepOutput enforces, and keep the task instructions', () => {
  for (const c of cases) {
    describe(c.name, () => {
      it('has real trajectories of the expected template', () => {
        expect(c.trajectories.length).toBeGreaterThan(0);
        for (const t of c.trajectories) {
          expect(buildStepPrompts(t)[0]?.meta['srl']).toMatchObject({ template: c.template });
        }
      });

      for (const { name, parse } of optionSets) {
        it(name, () => {
          const options: BuildStepPromptsOptions = parse === undefined ? {} : { parse };
          c.trajectories.forEach((t, i) => {
            const prompts: StepPrompt[] = buildStepPrompts(t, options);
            expect(prompts.length).toBeGreaterThan(0);
            for (const p of prompts) {
              const [system, ...rest] = p.messages;
              expect(system?.role).toBe('system');
              const text = system!.content;

              // (a) The task's own instructions: its system text verbatim, before the output
              // contract, and its user turn in the user message.
              const template = promptTemplate(text);
              if (c.taskSystem !== undefined) {
                expect(text.includes(c.taskSystem), 'the task system text, verbatim').toBe(true);
                expect(text.indexOf(c.taskSystem)).toBeLessThan(text.indexOf(template.monologue));
                expect(userOf(rest).includes(c.taskSystem), 'the system text is not repeated in the user message').toBe(false);
              }
              expect(rest.map((m) => m.role)).toEqual(['user']);
              expect(userOf(rest).includes(c.taskText[i]!), 'the task text, verbatim').toBe(true);

              // (b) The tags are those parseStepOutput requires with the same options.
              const thinkTag = parse?.thinkTag ?? 'think';
              expect(template.thinkTag).toBe(thinkTag);
              if (thinkTag !== 'think' && !(c.taskSystem ?? '').includes('<think>')) {
                expect(text, 'no contradicting <think> instruction').not.toContain('<think>');
              }
              const unwrap = parse?.unwrapSolution ?? false;
              expect(template.solutionTag).toBe(unwrap === false ? undefined : (parse?.solutionTag ?? 'solution'));

              // The prompt's own template, filled in with the expert's step, parses with the
              // same options and scores 1.
              const action = template.solutionTag === undefined ? p.target : `<${template.solutionTag}>${p.target}</${template.solutionTag}>`;
              const output = `${template.monologue}\n${action}`;
              const parsed = parseStepOutput(output, parse);
              expect(parsed, output.slice(0, 300)).toMatchObject({ ok: true, action: p.target });
              expect(stepReward(output, p.target, parse === undefined ? undefined : { parse })).toBe(1);
              if (parse?.implicitOpen === true) {
                // The chat template wrote the opening tag: the model's output starts inside the monologue.
                const continued = output.slice(`<${thinkTag}>`.length);
                expect(parseStepOutput(continued, parse)).toMatchObject({ ok: true, action: p.target });
                expect(stepReward(continued, p.target, { parse })).toBe(1);
              }
            }
          });
        });
      }
    });
  }
});

describe('what the layout fixes (issue 9)', () => {
  it('a tau-bench prompt asks for the think block that stepReward requires, and the policy is still there', () => {
    const [p] = buildStepPrompts(parseTauBenchRecord(tauRecord));
    const system = p!.messages[0]!.content;
    expect(system).toContain(tauPolicy);
    expect(system).toContain('<think>');
    // An output in the policy's own style, without the block, is the format penalty.
    expect(stepReward(p!.target, p!.target)).toBe(-1);
  });

  it('systemPrompt (a string) still replaces the whole system message; null still sends none', () => {
    const t = parseTauBenchRecord(tauRecord);
    const [own] = buildStepPrompts(t, { systemPrompt: 'Be brief.', parse: { thinkTag: 'reasoning' } });
    expect(own!.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    const [none] = buildStepPrompts(t, { systemPrompt: null });
    expect(none!.messages.map((m) => m.role)).toEqual(['user']);
    expect(none!.messages[0]!.content.includes(tauPolicy)).toBe(false);
  });
});

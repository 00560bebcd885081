/**
 * Maths solutions to SRL step prompts (paper §1-2): DeepSeek-R1-style numbered
 * solutions are cut into steps (solutions that are not numbered are dropped, as the
 * paper did), GSM8K's human solutions into one step per line; each step becomes a
 * prompt with the paper's system prompt, the question, the previous steps, and the
 * step's title as a hint; the prompts are written as a TRL dataset.
 *
 *   npx tsx examples/math-solutions-to-prompts.ts [--out DIR]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildStepPrompts, parseGsm8kSolution, parseNumberedSolution, TrajectoryError, type StepPrompt, type Trajectory } from 'srl-kit';
import { writeDataset } from 'srl-kit/io';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = values.out ?? mkdtempSync(join(tmpdir(), 'srl-kit-math-'));
const lines = (file: string) =>
  readFileSync(new URL(`./data/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, string>);

const trajectories: Trajectory[] = [];

// DeepSeek-R1 numbered solutions: strict, titled steps only (the paper's filter).
for (const { id, problem, solution } of lines('math-solutions.jsonl')) {
  try {
    const parsed = parseNumberedSolution(solution ?? '', { strict: true, titles: 'required', source: id });
    trajectories.push({ id, task: problem ?? '', steps: parsed.steps, meta: { source: 'numbered' } });
    console.log(`${id}: ${parsed.steps.length} steps${parsed.conclusion ? `, conclusion "${parsed.conclusion}"` : ''}`);
  } catch (error) {
    if (!(error instanceof TrajectoryError)) throw error;
    console.log(`${id}: dropped (${error.message})`);
  }
}

// GSM8K human solutions: one step per line, the "#### answer" line is not a step.
lines('gsm8k-sample.jsonl').forEach(({ question, answer }, i) => {
  const { steps, finalAnswer } = parseGsm8kSolution(answer ?? '', { source: `gsm8k #${i}` });
  trajectories.push({ id: `gsm8k-test-${i}`, task: question ?? '', steps, meta: { source: 'gsm8k', answer: finalAnswer } });
  console.log(`gsm8k-test-${i}: ${steps.length} steps, answer ${finalAnswer}`);
});

const prompts: StepPrompt[] = trajectories.flatMap((t) => buildStepPrompts(t, { hint: true }));
console.log(`\n${trajectories.length} trajectories -> ${prompts.length} step prompts\n`);

const example = prompts.find((p) => p.trajectoryId === 'coprime-sum-12' && p.stepIndex === 1) as StepPrompt;
console.log('prompt for step 2 of coprime-sum-12 (user message):');
console.log(example.messages.find((m) => m.role === 'user')?.content.replace(/^/gm, '  '));
console.log(`target:\n  ${example.target}\n`);

const file = join(outDir, 'math-prompts.trl.jsonl');
const written = await writeDataset(prompts, file, { layout: 'trl' });
console.log(`wrote ${written.rows} rows (${written.layout}, ${written.format}) to ${file}`);

/**
 * The library's main job on a bundled sample: turn an expert solution into step
 * prompts (paper §1-2), then score a group of model outputs against expert steps
 * with the SRL step reward (paper §3), and show why each output got its reward.
 *
 *   npm run demo            (colours on a terminal; `--no-color` to turn them off)
 */
import { readFileSync } from 'node:fs';
import { buildStepPrompts, explainStepReward, parseNumberedSolution, renderAlignment, stepRewards } from 'srl-kit';

interface SampleStep {
  id: string;
  source: string;
  task: string;
  expert_step: string;
  outputs: string[];
}

const color = process.stdout.isTTY === true && !process.argv.includes('--no-color');
const bold = (text: string) => (color ? `\u001b[1m${text}\u001b[0m` : text);
const indent = (text: string, pad = '      ') => text.replace(/^/gm, pad);

// 1. One expert trajectory becomes one training prompt per step.
const solution = JSON.parse(
  readFileSync(new URL('./data/math-solutions.jsonl', import.meta.url), 'utf8').split('\n')[0] as string,
) as { id: string; problem: string; solution: string };
const parsed = parseNumberedSolution(solution.solution, { strict: true });
const prompts = buildStepPrompts({ id: solution.id, task: solution.problem, steps: parsed.steps });
console.log(bold(`Step prompts: "${solution.id}" has ${parsed.steps.length} numbered steps -> ${prompts.length} prompts`));
const second = prompts[1];
if (second !== undefined) {
  console.log('  prompt 2, user message:');
  console.log(indent(second.messages.find((m) => m.role === 'user')?.content ?? ''));
  console.log(`  target (what the reward compares against):\n${indent(second.target)}\n`);
}

// 2. Model outputs for a step are scored against the expert step.
const sampleUrl = new URL('./data/demo-steps.jsonl', import.meta.url);
const steps = readFileSync(sampleUrl, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as SampleStep);

console.log(bold('SRL step reward: difflib ratio(action, expert step), -1 when the output breaks the <think> format'));
console.log(`legend: ${renderAlignment([{ op: 'delete', text: 'only in the model action' }, { op: 'insert', text: 'only in the expert step' }], { color })}\n`);

for (const step of steps) {
  console.log(bold(`${step.id}  (${step.source})`));
  console.log(`  task:   ${step.task.length > 110 ? `${step.task.slice(0, 107)}...` : step.task}`);
  console.log(`  expert:\n${indent(step.expert_step)}`);
  // One call scores the whole group (the G rollouts of GRPO); the expert is indexed once.
  const rewards = stepRewards(step.outputs, step.expert_step);
  step.outputs.forEach((output, i) => {
    const e = explainStepReward(output, step.expert_step);
    const reward = rewards[i] as number;
    const head = `  #${i + 1} reward ${reward.toFixed(4).padStart(7)}`;
    if (!e.parsed.ok) {
      console.log(`${head}  format error (${e.parsed.reason}): ${e.parsed.message}`);
      return;
    }
    console.log(`${head}  diff:`);
    console.log(indent(renderAlignment(e.alignment, { color })));
  });
  const mean = rewards.reduce((s, r) => s + r, 0) / rewards.length;
  const std = Math.sqrt(rewards.reduce((s, r) => s + (r - mean) ** 2, 0) / rewards.length);
  console.log(`  group: mean ${mean.toFixed(4)}, population std ${std.toFixed(4)} (a group with std 0 teaches GRPO nothing)\n`);
}

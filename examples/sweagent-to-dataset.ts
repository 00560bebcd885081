/**
 * A SWE-agent trajectory to training datasets: each of its 14 commands becomes a
 * step prompt with the issue and the last two (action, observation) rounds (paper
 * §1, agents), and the prompts are written for TRL (JSON Lines) and verl (Parquet).
 *
 *   npx tsx examples/sweagent-to-dataset.ts [--out DIR]
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildStepPrompts, parseSweAgentTrajectory } from 'srl-kit';
import { readJsonl, writeDataset } from 'srl-kit/io';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = values.out ?? mkdtempSync(join(tmpdir(), 'srl-kit-swe-'));

const raw: unknown = JSON.parse(readFileSync(new URL('./data/sweagent_marshmallow-1867.traj', import.meta.url), 'utf8'));
const trajectory = parseSweAgentTrajectory(raw, { source: 'marshmallow-1867.traj', id: 'marshmallow-1867' });
console.log(`${trajectory.id}: ${trajectory.steps.length} steps`);
trajectory.steps.forEach((s, i) => console.log(`  ${String(i + 1).padStart(2)}. ${s.action.split('\n')[0]}`));

// Observations can be whole files: cut them so prompts stay a reasonable size.
const prompts = buildStepPrompts(trajectory, { template: 'agent', history: 2, maxObservationLength: 2000 });

const trl = join(outDir, 'swe.trl.jsonl');
const verl = join(outDir, 'swe.verl.parquet');
const a = await writeDataset(prompts, trl, { layout: 'trl' });
const b = await writeDataset(prompts, verl, { layout: 'verl', dataSource: 'swe-agent', ability: 'coding', split: 'train' });
console.log(`\nwrote ${a.rows} rows to ${trl} (${statSync(trl).size} bytes)`);
console.log(`wrote ${b.rows} rows to ${verl} (${statSync(verl).size} bytes, ${b.rowGroups} row group)`);

// Read the JSON Lines back, as a trainer would.
for await (const row of readJsonl(trl)) {
  const r = row as { prompt: { role: string; content: string }[]; target: string; step_index: number };
  if (r.step_index !== 5) continue;
  console.log(`\nrow for step 6: ${r.prompt.length} messages, target ${JSON.stringify(r.target.split('\n')[0])}`);
}

/**
 * The reward server as a trainer meets it (docs/server.md): step prompts are built from a
 * real SWE-agent trajectory, a "policy" answers three of them, and the answers are scored
 * over HTTP exactly as OpenRLHF's remote reward client asks (`POST /reward` with
 * `query` = prompt + response, `prompts`, `labels` = the expert steps), then through
 * `POST /score` with per-item options. The rewards are checked against `stepReward`.
 *
 *   npx tsx examples/reward-server.ts [--processes N]     (default: one process, 2 worker threads)
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { buildStepPrompts, parseSweAgentTrajectory, stepReward } from 'srl-kit';
import { createRewardCluster, createRewardServer } from 'srl-kit/server';

const { values } = parseArgs({ options: { processes: { type: 'string' } } });
const processes = values.processes === undefined ? 0 : Number(values.processes);

const raw: unknown = JSON.parse(readFileSync(new URL('./data/sweagent_marshmallow-1867.traj', import.meta.url), 'utf8'));
const trajectory = parseSweAgentTrajectory(raw, { source: 'marshmallow-1867.traj', id: 'marshmallow-1867' });
const prompts = buildStepPrompts(trajectory, { template: 'agent', history: 2, maxObservationLength: 2000 }).slice(3, 6);

// What a chat template would render; any fixed text works, the server only strips it.
const render = (messages: readonly { role: string; content: string }[]): string =>
  `${messages.map((m) => `<|${m.role}|>\n${m.content}`).join('\n')}\n<|assistant|>\n`;

// A policy's answers: the expert step, an edited one, and one that skipped the monologue.
const responses = prompts.map((p, i) =>
  i === 0
    ? `<think>The expert would do this next.</think>\n${p.target}`
    : i === 1
      ? `<think>Something close.</think>\n${p.target.replace(/[a-z]{4,}/, (w) => w.toUpperCase())}`
      : p.target,
);

const server = processes > 0
  ? createRewardCluster({ port: 0, processes, logRequests: false, onEvent: () => undefined })
  : createRewardServer({ port: 0, workers: 2, logger: () => undefined });
const { url } = await server.listen();
console.log(`reward server at ${url} (${processes > 0 ? `${processes} processes` : '1 process, 2 worker threads'})`);

try {
  // 1. OpenRLHF's remote reward model request.
  const query = prompts.map((p, i) => render(p.messages) + responses[i]);
  const reward = await fetch(`${url}/reward`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, prompts: prompts.map((p) => render(p.messages)), labels: prompts.map((p) => p.target) }),
  });
  const answer = (await reward.json()) as { rewards: number[]; extra_logs: { format_ok: number[] } };
  console.log('\nPOST /reward (OpenRLHF):');
  prompts.forEach((p, i) => {
    const local = stepReward(responses[i]!, p.target);
    if (answer.rewards[i] !== local) throw new Error(`step ${p.stepIndex + 1}: server ${answer.rewards[i]} != stepReward ${local}`);
    console.log(`  step ${p.stepIndex + 1}: reward ${answer.rewards[i]!.toFixed(4)}  format_ok ${answer.extra_logs.format_ok[i]}  (= stepReward)`);
  });

  // 2. /score with per-item options: LCS instead of difflib, and a prompt that already opened <think>.
  const items = [
    { output: responses[1]!, target: prompts[1]!.target, options: { metric: 'lcs' } },
    { output: `planning first</think>\n${prompts[2]!.target}`, target: prompts[2]!.target, options: { parse: { implicitOpen: true } } },
  ];
  const scored = (await (await fetch(`${url}/score`, { method: 'POST', body: JSON.stringify({ items }) })).json()) as { results: { reward: number; ok: boolean }[] };
  console.log('\nPOST /score (per-item options):');
  items.forEach((item, i) => {
    const local = stepReward(item.output, item.target, item.options as Parameters<typeof stepReward>[2]);
    if (scored.results[i]!.reward !== local) throw new Error(`item ${i}: server ${scored.results[i]!.reward} != stepReward ${local}`);
    console.log(`  ${JSON.stringify(item.options)}: reward ${scored.results[i]!.reward.toFixed(4)}  ok ${scored.results[i]!.ok}`);
  });

  // 3. A bad request gets a JSON error naming the place.
  const bad = await fetch(`${url}/reward`, { method: 'POST', body: JSON.stringify({ query: ['a'], labels: [7] }) });
  console.log(`\nbad request -> ${bad.status} ${JSON.stringify(await bad.json())}`);
} finally {
  await server.close();
}

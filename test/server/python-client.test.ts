import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepReward } from '../../src/reward/index.js';
import { createRewardServer, type RewardServer } from '../../src/server/index.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;
const script = fileURLToPath(new URL('./openrlhf_client.py', import.meta.url));

describe.skipIf(!hasPython)('an OpenRLHF-style Python client (urllib)', () => {
  let server: RewardServer;
  let url = '';
  beforeAll(async () => {
    server = createRewardServer({ port: 0, workers: 2, logger: () => undefined });
    url = (await server.listen()).url;
  });
  afterAll(() => server.close());

  it('gets rewards equal to stepReward, in order', async () => {
    const prompts = Array.from({ length: 40 }, (_, i) => `<|user|>Step ${i} of the task, say what to do.<|assistant|>`);
    const outputs = prompts.map((_, i) =>
      i % 5 === 0 ? `no think block ${i}` : `<think>plan ${i}: é 漢字 🙂</think> run command --flag ${i % 7}`,
    );
    const labels = prompts.map((_, i) => `run command --flag ${i % 3} 🙂`);
    const input = JSON.stringify({ query: prompts.map((p, i) => p + outputs[i]), prompts, labels });
    // Async: the server runs in this process, so the event loop must stay free.
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile('python3', [script, `${url}/reward`], { encoding: 'utf8', timeout: 30_000 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      );
      child.stdin!.end(input);
    });
    const reply = JSON.parse(out) as { rewards: number[]; scores: number[]; extra_logs: { format_ok: number[] } };
    const want = outputs.map((o, i) => stepReward(o, labels[i]!));
    expect(reply.rewards).toEqual(want);
    expect(reply.scores).toEqual(want);
    expect(reply.extra_logs.format_ok).toEqual(outputs.map((_, i) => (i % 5 === 0 ? 0 : 1)));
  });
});

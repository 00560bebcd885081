/**
 * The Python blocks of docs/server.md "## Ready snippets" run, exactly as the docs show
 * them, against a real reward server, called the way TRL's GRPOTrainer and verl's reward
 * managers call them (test/server/snippet_driver.py does the calling).
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepReward } from '../../src/reward/index.js';
import { createRewardServer, type RewardServer } from '../../src/server/index.js';

/** Items per request the server logged, in order. */
const scoreRequests: number[] = [];

const hasPython = spawnSync('python3', ['--version']).status === 0;
const driver = fileURLToPath(new URL('./snippet_driver.py', import.meta.url));
const docs = readFileSync(new URL('../../docs/server.md', import.meta.url), 'utf8');

/** The text of the "## Ready snippets" section, up to the next level-2 heading. */
function readySnippetsSection(markdown: string): string {
  const start = markdown.indexOf('\n## Ready snippets\n');
  if (start === -1) throw new Error('docs/server.md has no "## Ready snippets" section');
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

const section = readySnippetsSection(docs);
const pythonBlocks = [...section.matchAll(/^```python\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);

/** The one Python block that defines `name`. */
function blockDefining(name: string): string {
  const found = pythonBlocks.filter((b) => new RegExp(`^def ${name}\\(`, 'm').test(b));
  if (found.length !== 1) throw new Error(`expected one python block defining ${name}, found ${found.length}`);
  return found[0]!;
}

interface DriverResult {
  readonly error?: string;
  readonly types?: readonly { container: string; items: string[] }[];
  readonly [calls: string]: unknown;
}

/** Runs the driver asynchronously (the server runs in this process, so the event loop must stay free). */
function runDriver(mode: string, blocks: readonly string[], outputs: readonly string[], targets: readonly string[], env: Record<string, string | undefined>): Promise<DriverResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PYTHONIOENCODING: 'utf-8' };
  delete childEnv['SRL_URL'];
  delete childEnv['SRL_TOKEN'];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  return new Promise((resolve, reject) => {
    const child = execFile('python3', [driver, mode], { encoding: 'utf8', timeout: 30_000, env: childEnv }, (err, stdout, stderr) => {
      if (err) reject(new Error(`python3 ${mode} failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as DriverResult);
    });
    child.stdin!.end(JSON.stringify({ blocks, outputs, targets }));
  });
}

// Well-formed, exact, partial, non-ASCII (BMP and astral), no think block (format penalty), unclosed think.
const outputs = [
  '<think>the test fails on a None value</think> python -m pytest tests/test_fields.py -x',
  '<think>exact</think> x = 5',
  '<think>t</think> x = 4',
  '<think>plan: é 漢字 🙂</think> echo "café 漢字 🙂" > out.txt',
  'python -m pytest tests/',
  '<think>still thinking about cd src',
  '<think>日本語で考える</think>  cd src && ls -la  ',
];
const targets = [
  'python -m pytest tests/test_fields.py',
  'x = 5',
  'x = 5',
  'echo "cafe 漢字 🙂" > out.txt',
  'python -m pytest tests/',
  'cd src',
  'cd src; ls -la',
];
const want = outputs.map((o, i) => stepReward(o, targets[i]!));

describe.skipIf(!hasPython)(hasPython ? 'docs/server.md ready snippets (python3)' : 'docs/server.md ready snippets: skipped, python3 is not on PATH', () => {
  let server: RewardServer;
  let url = '';
  const client = () => blockDefining('srl_rewards');
  const ok = { SRL_TOKEN: 'tkn' };

  beforeAll(async () => {
    server = createRewardServer({ port: 0, workers: 1, token: 'tkn', logger: (e) => scoreRequests.push(e.items) });
    url = (await server.listen()).url;
  });
  afterAll(() => server?.close());

  it('the section has the client, TRL and verl (single and batched) blocks, standard library only', () => {
    expect(pythonBlocks).toHaveLength(4);
    for (const name of ['srl_rewards', 'srl_reward', 'compute_score', 'compute_score_batch']) expect(() => blockDefining(name)).not.toThrow();
    expect(section).not.toMatch(/\bimport requests\b|\brequests\./);
    // Sanity of the expected values: the cases cover the format penalty and a perfect match.
    expect(want).toContain(-1);
    expect(want).toContain(1);
  });

  it('the OpenRLHF command lines point at /reward with the label column', () => {
    const bash = [...section.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]!).join('\n');
    expect(bash).toMatch(/--reward\.remote_url http:\/\/127\.0\.0\.1:8000\/reward --data\.label_key \w+/);
    expect(bash).toMatch(/--remote_rm_url http:\/\/127\.0\.0\.1:8000\/reward --label_key \w+/);
  });

  it('TRL: srl_reward(prompts=, completions=, completion_ids=, **columns) gives stepReward, for strings and chat messages', async () => {
    const res = await runDriver('trl', [client(), blockDefining('srl_reward')], outputs, targets, { SRL_URL: url, ...ok });
    expect(res.error).toBeUndefined();
    expect(res['plain']).toEqual(want);
    expect(res['conversational']).toEqual(want);
    expect(res.types).toEqual([
      { container: 'list', items: ['float'] },
      { container: 'list', items: ['float'] },
    ]);
  });

  it('verl: compute_score per sample, by keyword (naive manager), positionally and with reward_kwargs', async () => {
    const res = await runDriver('verl', [client(), blockDefining('compute_score')], outputs, targets, { SRL_URL: `${url}/`, ...ok });
    expect(res.error).toBeUndefined();
    expect(res['keyword']).toEqual(want);
    expect(res['positional']).toEqual(want);
    expect(res['with_reward_kwargs']).toEqual(want);
    expect(res.types!.every((t) => t.items.join() === 'float')).toBe(true);
  });

  it('verl: compute_score_batch with lists (batch manager) gives one float per sample, in order', async () => {
    const res = await runDriver('verl-batch', [client(), blockDefining('compute_score_batch')], outputs, targets, { SRL_URL: url, ...ok });
    expect(res.error).toBeUndefined();
    expect(res['batch']).toEqual(want);
    expect(res.types).toEqual([{ container: 'list', items: ['float'] }]);
  });

  it('the client function splits a large batch into several requests and keeps the order', async () => {
    scoreRequests.length = 0;
    const res = await runDriver('chunked', [client()], outputs, targets, { SRL_URL: url, ...ok });
    // 7 outputs: 2+2+2+1 items with max_items=2, then one request per item with max_bytes=1.
    expect(scoreRequests).toEqual([2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(res.error).toBeUndefined();
    expect(res['by_items']).toEqual(want);
    expect(res['by_bytes']).toEqual(want);
    expect(res.types).toEqual([{ container: 'list', items: ['float'] }, { container: 'list', items: ['float'] }]);
  });

  it('a wrong or missing token raises a RuntimeError naming HTTP 401 and the server message', async () => {
    const wrong = await runDriver('trl', [client(), blockDefining('srl_reward')], outputs, targets, { SRL_URL: url, SRL_TOKEN: 'nope' });
    expect(wrong.error).toMatch(/^RuntimeError: SRL reward server: HTTP 401 from http:\/\/127\.0\.0\.1:\d+\/score: missing or wrong bearer token$/);
    const missing = await runDriver('verl-batch', [client(), blockDefining('compute_score_batch')], outputs, targets, { SRL_URL: url });
    expect(missing.error).toMatch(/^RuntimeError: .*HTTP 401 .*bearer token/);
  });

  it('a rejected request (a missing ground truth) raises with the status, message and JSON path', async () => {
    const res = await runDriver('verl-batch', [client(), blockDefining('compute_score_batch')], ['<think>t</think> x'], [null as unknown as string], { SRL_URL: url, ...ok });
    expect(res.error).toMatch(/^RuntimeError: SRL reward server: HTTP 400 from .*\/score: \$\.items\[0\]\.target: /);
  });
});

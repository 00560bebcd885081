import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { wordLevelTokenizer } from '../helpers/word-level-tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'srl-prompts-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A tiny real tokenizer.json: WordLevel over a few words (every word and run of punctuation is one token).
const TOKENIZER = wordLevelTokenizer(['step', 'add', 'and', 'to', 'get']);

/** Tokens of a prompt's messages, counted here with @huggingface/tokenizers directly: the sum over the contents. */
const tokenizer = new Tokenizer(TOKENIZER, {});
function promptTokens(prompt: readonly { content: string }[]): number {
  return prompt.reduce((n, m) => n + tokenizer.encode(m.content, { add_special_tokens: false }).ids.length, 0);
}

// One maths trajectory of 6 steps; each step is 13 tokens ("1 . Step alpha : add 0 and 1 to get 1 now").
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
const ACTIONS = WORDS.map((w, i) => `${i + 1}. Step ${w}: add ${i} and ${i + 1} to get ${2 * i + 1} now`);
const TRAJECTORY = { id: 'sum', task: 'Add the numbers.', steps: ACTIONS.map((action) => ({ action })) };

type Row = { prompt: { role: string; content: string }[]; target: string; step_index: number; meta: string };
interface SrlMeta {
  historyShown: number;
  droppedByWindow: number;
  droppedByBudget: number;
  promptTokens?: number;
}

describe('srl prompts --max-prompt-tokens --tokenizer', () => {
  const input = join(dir, 'trajectory.jsonl');
  const tokenizerPath = join(dir, 'tokenizer.json');
  writeFileSync(input, `${JSON.stringify(TRAJECTORY)}\n`);
  writeFileSync(tokenizerPath, JSON.stringify(TOKENIZER));

  it('cuts the oldest history until every prompt fits, and records the cut in meta.srl', async () => {
    // Without a limit: every prompt shows all previous steps, each one 13 tokens longer.
    const fullPath = join(dir, 'full.jsonl');
    const full = runCli(['prompts', input, '-o', fullPath, '--include-meta']);
    expect(full.code).toBe(0);
    const fullRows = readFileSync(fullPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
    expect(fullRows).toHaveLength(ACTIONS.length);
    const fullTokens = fullRows.map((r) => promptTokens(r.prompt));
    fullTokens.slice(1).forEach((n, k) => expect(n - (fullTokens[k] as number)).toBe(13));

    // A budget that fits two previous steps: prompts for steps 3.. must lose history.
    const limit = (fullTokens[2] as number) + 5;
    const outPath = join(dir, 'limited.parquet');
    const r = runCli(['prompts', input, '-o', outPath, '--layout', 'verl', '--include-meta', '--max-prompt-tokens', String(limit), '--tokenizer', tokenizerPath]);
    expect(r.code).toBe(0);
    // Steps 4, 5, 6 drop 1, 2 and 3 of their previous steps.
    expect(r.stderr).toContain(`  token budget ${limit}: history cut in 3 prompts (6 steps dropped)`);

    const file = await asyncBufferFromFile(outPath);
    const rows = await parquetReadObjects({ file });
    expect(rows).toHaveLength(ACTIONS.length);
    rows.forEach((row, k) => {
      const prompt = row['prompt'] as Row['prompt'];
      const tokens = promptTokens(prompt);
      // (a) every prompt fits the budget, counted here;
      expect(tokens, `step ${k}`).toBeLessThanOrEqual(limit);
      // (b) meta.srl says what was dropped and the count it fitted (docs/prompts.md);
      const meta = (JSON.parse(row['extra_info'].meta as string) as { srl: SrlMeta }).srl;
      const dropped = Math.max(0, k - 2);
      expect(meta).toMatchObject({ historyShown: k - dropped, droppedByWindow: 0, droppedByBudget: dropped, promptTokens: tokens });
      const user = prompt.at(-1)?.content ?? '';
      ACTIONS.slice(0, k).forEach((a, j) => expect(user.includes(a), `step ${k} shows step ${j}`).toBe(j >= dropped));
      expect(row['reward_model'].ground_truth).toBe(ACTIONS[k]);
      // (c) without the limit, the prompts that were cut are longer than the limit.
      if (dropped > 0) expect(fullTokens[k]).toBeGreaterThan(limit);
      else expect(tokens).toBe(fullTokens[k]);
    });
  });

  it('says which option and file are wrong for a bad tokenizer, and rejects a tokenizer with no budget', () => {
    const bad = join(dir, 'bad-tokenizer.json');
    writeFileSync(bad, '{"model": {"type": "BPE",');
    const out = join(dir, 'x.jsonl');
    const r = runCli(['prompts', input, '-o', out, '--max-prompt-tokens', '100', '--tokenizer', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^srl prompts: option --tokenizer ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: expected valid JSON, found a syntax error: .*\n$`));

    const badConfig = join(dir, 'tokenizer_config.json');
    writeFileSync(badConfig, '[1]');
    const c = runCli(['prompts', input, '-o', out, '--max-prompt-tokens', '100', '--tokenizer', tokenizerPath, '--tokenizer-config', badConfig]);
    expect(c.code).toBe(1);
    expect(c.stderr).toBe(`srl prompts: option --tokenizer-config ${badConfig}: expected a JSON object (tokenizer_config.json), found an array of 1\n`);

    const alone = runCli(['prompts', input, '-o', out, '--tokenizer', tokenizerPath]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('srl prompts: option --tokenizer is only used with --max-prompt-tokens <N>\n');
  });
});

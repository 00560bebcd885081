/**
 * One SRL optimisation step (paper §4) on a small tfjs model: a group of G outputs per
 * step prompt is scored with the step reward, rewards become group-relative
 * advantages, uninformative groups are dropped (dynamic sampling), and the clipped
 * policy loss takes one gradient step.
 *
 *   npx tsx examples/grpo-step.ts [cpu|wasm|webgpu|auto]      (default cpu)
 *
 * The "model" is a table of next-token logits (a bigram model over characters): small
 * enough to run anywhere, real enough that the loss has a gradient to follow.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dynamicSamplingFilter, groupAdvantages, stepRewards } from 'srl-kit';
import { useBackend } from 'srl-kit/backends';
import { policyLoss, readPolicyLossMetrics, tokenLogProbs } from 'srl-kit/ops';

tf.enableProdMode(); // no Node banner from tfjs-backend-cpu
const backend = (process.argv[2] ?? 'cpu') as 'cpu' | 'wasm' | 'webgpu' | 'auto';
const info = await useBackend(backend);
console.log(`backend: ${info.name}${info.adapter ? ` (${info.adapter.description})` : ''}`);

// Two step prompts, G = 4 sampled outputs each (as a policy would produce them).
const G = 4;
const groups = [
  {
    target: 'x = 5',
    outputs: ['<think>3 + 2</think>x = 5', '<think>hm</think>x = 4', 'x = 5', '<think>3 + 2</think>x = 5'],
  },
  {
    target: 'ls -la',
    outputs: ['<think>list</think>ls -la', '<think>list</think>ls -la', '<think>list</think>ls -la', '<think>list</think>ls -la'],
  },
];

// 1. Rewards (paper §3) and dynamic sampling: a group whose rewards do not vary teaches nothing.
const rewards = groups.flatMap((g) => stepRewards(g.outputs, g.target));
const { keptIndices, kept } = dynamicSamplingFilter(rewards, G, { minStd: 1e-6 });
console.log(`rewards: ${rewards.map((r) => r.toFixed(3)).join(' ')}`);
console.log(`dynamic sampling keeps ${kept} of ${groups.length} groups`);

// 2. Advantages of the kept groups (GRPO, verl's conventions).
const keptRewards = keptIndices.map((i) => rewards[i] as number);
const { advantages } = groupAdvantages(keptRewards, { groupSize: G, preset: 'verl' });
console.log(`advantages: ${Array.from(advantages, (a) => a.toFixed(3)).join(' ')}`);

// 3. The sampled token ids of the kept outputs (characters), padded to T with a mask.
const texts = keptIndices.map((i) => groups[Math.floor(i / G)]?.outputs[i % G] ?? '');
const V = 128;
const T = Math.max(...texts.map((t) => t.length));
const B = texts.length;
const ids = new Int32Array(B * T);
const prev = new Int32Array(B * T);
const mask = new Float32Array(B * T);
texts.forEach((text, b) => {
  for (let t = 0; t < text.length; t++) {
    ids[b * T + t] = text.charCodeAt(t) % V;
    prev[b * T + t] = t === 0 ? 0 : text.charCodeAt(t - 1) % V;
    mask[b * T + t] = 1;
  }
});

// The policy: logits[prev] -> next-token distribution.
const table = tf.variable(tf.randomNormal([V, V], 0, 0.1, 'float32', 42), true, 'bigram');
const optimizer = tf.train.sgd(0.5);
// One-hot rows times the table (not tf.gather, whose gradient the wasm backend lacks).
const prevOneHot = tf.oneHot(tf.tensor1d(prev, 'int32'), V).toFloat();
const idsT = tf.tensor2d(ids, [B, T], 'int32');
const maskT = tf.tensor2d(mask, [B, T]);
const advT = tf.tensor1d(Float32Array.from(advantages));
const logProbsOf = () => tokenLogProbs(tf.matMul(prevOneHot, table).reshape([B, T, V]), idsT);
const oldLogProbs = tf.tidy(logProbsOf); // the policy that sampled the outputs

// 4. Gradient steps on the clipped loss (DAPO clip-higher 0.28). After the first step the
// policy has moved away from the one that sampled, so the ratio and approx KL are no longer 1 and 0.
for (let step = 1; step <= 2; step++) {
  let kept: ReturnType<typeof policyLoss>['metrics'] | undefined;
  const cost = optimizer.minimize(
    () => {
      const out = policyLoss({ logProbs: logProbsOf(), oldLogProbs, advantages: advT, mask: maskT }, { loss: 'ppo', clipHigh: 0.28 });
      kept = { clipFraction: tf.keep(out.metrics.clipFraction), clipFractionLower: tf.keep(out.metrics.clipFractionLower), approxKl: tf.keep(out.metrics.approxKl), tokens: tf.keep(out.metrics.tokens) };
      return out.loss;
    },
    true,
    [table],
  );
  const loss = (await (cost as tf.Scalar).data())[0] as number;
  const m = await readPolicyLossMetrics(kept as NonNullable<typeof kept>);
  console.log(`step ${step}: loss ${loss.toFixed(6)}, approx KL ${m.approxKl.toExponential(2)}, clip fraction ${m.clipFraction}, tokens ${m.tokens}`);
}

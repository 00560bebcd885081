/**
 * Fused kernels for the `webgpu` backend, as WGSL programs run through tfjs-backend-webgpu's
 * `runWebGPUProgram` (no import of that package: the programs are plain objects of the shape
 * it expects). GPU style: the forward kernels compute the values and a few numbers per row
 * (one workgroup per row, tree reductions in workgroup memory); the backward kernels are one
 * elementwise pass each that recomputes the closed-form gradient from the inputs and those
 * row numbers, times the incoming gradient, read on the GPU (no host round trip).
 *
 * NaN checks use the bit pattern (`bitcast`), since WGSL compilers may assume finite math.
 * @internal
 * @module
 */
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { ResolvedPolicyLossOptions } from '../../types.js';
import type { PolicyLossAttrs } from './host-kernels.js';
import { ENTROPY, ENTROPY_GRAD, POLICY_LOSS, POLICY_LOSS_GRAD, TOKEN_LOG_PROBS, TOKEN_LOG_PROBS_GRAD } from './names.js';
import { STAT_COUNT } from './policy-loss-math.js';

/** Threads per workgroup. */
const WG = 256;

/** The shape of a program that tfjs-backend-webgpu's `runWebGPUProgram` runs. */
interface Program {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size?: boolean;
  getUserCode: () => string;
}

interface Uniform {
  type: 'float32' | 'int32';
  data: number[];
}

/** The part of tfjs-backend-webgpu's `WebGPUBackend` used here. */
interface WebGpuBackend {
  runWebGPUProgram(program: Program, inputs: TensorInfo[], outputDtype: DataType, uniforms?: Uniform[]): TensorInfo;
  disposeData(dataId: TensorInfo['dataId'], force?: boolean): boolean;
}

const COMMON = /* wgsl */ `
fn srlFinite(x : f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}
fn srlNotNanOrPosInf(x : f32) -> bool {
  let b = bitcast<u32>(x);
  return (b & 0x7f800000u) != 0x7f800000u || b == 0xff800000u;
}
`;

/** A program with one thread per output element. */
function elementwise(key: string, size: number, variableNames: string[], uniforms: string, body: string, extra = ''): Program {
  return {
    outputShape: [size],
    shaderKey: key,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / WG), 1, 1],
    variableNames,
    workgroupSize: [WG, 1, 1],
    ...(uniforms === '' ? {} : { uniforms }),
    size: true,
    getUserCode: () => `${COMMON}
${extra}
fn main(index : i32) {
  if (index >= uniforms.size) { return; }
  ${body}
}`,
  };
}

/** A program with one workgroup per row; `body` runs with `row` and `lid`, and may use `srlReduce(slot, v)`. */
function perRow(
  key: string,
  rows: number,
  outSize: number,
  variableNames: string[],
  uniforms: string,
  slots: number,
  body: string,
  extra = '',
): Program {
  const shared = Array.from({ length: slots }, (_, i) => `var<workgroup> srlShared${i} : array<f32, ${WG}>;`).join('\n');
  const reducers = Array.from(
    { length: slots },
    (_, i) => `
fn srlSum${i}(v : f32, lid : i32) -> f32 {
  srlShared${i}[lid] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}; s > 0; s = s / 2) {
    if (lid < s) { srlShared${i}[lid] = srlShared${i}[lid] + srlShared${i}[lid + s]; }
    workgroupBarrier();
  }
  let out = srlShared${i}[0];
  workgroupBarrier();
  return out;
}
fn srlMax${i}(v : f32, lid : i32) -> f32 {
  srlShared${i}[lid] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}; s > 0; s = s / 2) {
    if (lid < s) { srlShared${i}[lid] = max(srlShared${i}[lid], srlShared${i}[lid + s]); }
    workgroupBarrier();
  }
  let out = srlShared${i}[0];
  workgroupBarrier();
  return out;
}`,
  ).join('\n');
  return {
    outputShape: [outSize],
    shaderKey: key,
    dispatchLayout: { x: [0] },
    dispatch: [Math.max(rows, 1), 1, 1],
    variableNames,
    workgroupSize: [WG, 1, 1],
    ...(uniforms === '' ? {} : { uniforms }),
    getUserCode: () => `${COMMON}
${shared}
${reducers}
${extra}
fn main(index : i32) {
  let row = index / ${WG};
  let lid = i32(localId.x);
  ${body}
}`,
  };
}

function run(backend: WebGpuBackend, program: Program, inputs: TensorInfo[], uniforms: Uniform[] = []): TensorInfo {
  return backend.runWebGPUProgram(program, inputs, 'float32', uniforms);
}

function reshaped(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

// ------------------------------------------------------------------ policy loss
//
// Every option is a uniform (the branches on them are uniform control flow, free on a GPU),
// so each program compiles once, whatever the loss, aggregation or clamps.

const AGGREGATION_CODE = { 'token-mean': 0, 'seq-mean-token-mean': 1, 'seq-mean-token-sum': 2, 'seq-mean-token-sum-norm': 3 } as const;
const LOSS_CODE = { ppo: 0, gspo: 1, cispo: 2, reinforce: 3, sapo: 4 } as const;

const POLICY_UNIFORMS = [
  'B : i32, T : i32, kind : i32, agg : i32, advPerToken : i32,',
  'hasClamp : i32, hasDual : i32, hasSeqMax : i32, cispoTwoSided : i32, hasNormTokens : i32, hasNormSequences : i32,',
  'lo : f32, hi : f32, clampC : f32, dualC : f32, seqMax : f32, tauPos : f32, tauNeg : f32,',
  'normTokens : f32, normSequences : f32, normConstant : f32,',
].join(' ');

function policyUniforms(o: ResolvedPolicyLossOptions, B: number, T: number, perTokenAdv: boolean): Uniform[] {
  const i = (x: number | boolean): Uniform => ({ type: 'int32', data: [Number(x)] });
  const f = (x: number): Uniform => ({ type: 'float32', data: [x] });
  return [
    i(B),
    i(T),
    i(LOSS_CODE[o.loss]),
    i(AGGREGATION_CODE[o.aggregation]),
    i(perTokenAdv),
    i(o.logRatioClamp !== null),
    i(o.dualClip !== null),
    i(o.sequenceLogRatioMax !== null),
    i(o.cispoClip === 'two-sided'),
    i(o.normalizer.tokens !== undefined),
    i(o.normalizer.sequences !== undefined),
    f(1 - o.clipLow),
    f(1 + o.clipHigh),
    f(o.logRatioClamp ?? 0),
    f(o.dualClip ?? 0),
    f(o.sequenceLogRatioMax ?? 0),
    f(o.sapoTau.positive),
    f(o.sapoTau.negative),
    f(o.normalizer.tokens ?? 0),
    f(o.normalizer.sequences ?? 0),
    f(o.normalizer.constant ?? T),
  ];
}

/** The per-token loss: L, d L / d logp, clip indicators and the approx-KL term. */
const TOKEN_LOSS = /* wgsl */ `
struct SrlTok { L : f32, g : f32, clipped : f32, lower : f32, kl : f32, };

fn srlAdv(row : i32, k : i32) -> f32 {
  if (uniforms.advPerToken != 0) { return adv[k]; }
  return adv[row];
}

fn srlTokenLoss(lpv : f32, delta : f32, a : f32, logr : f32, live : f32) -> SrlTok {
  var o : SrlTok;
  o.clipped = 0.0;
  o.lower = 0.0;
  let kind = uniforms.kind;
  var d = delta;
  var liveT = 1.0;
  if (uniforms.hasClamp != 0 && (kind == 0 || kind == 2 || kind == 4)) {
    d = clamp(delta, -uniforms.clampC, uniforms.clampC);
    liveT = select(0.0, 1.0, delta > -uniforms.clampC && delta < uniforms.clampC);
  }
  if (kind == 0 || kind == 1) {
    var r : f32;
    if (kind == 0) {
      r = exp(d);
      o.kl = -d;
    } else {
      r = exp(logr);
      liveT = live;
      o.kl = -delta;
    }
    let pg1 = -a * r;
    let pg2 = -a * clamp(r, uniforms.lo, uniforms.hi);
    o.L = pg1;
    o.g = pg1 * liveT;
    if (pg2 > pg1) {
      o.L = pg2;
      o.g = 0.0;
      o.clipped = 1.0;
    }
    if (uniforms.hasDual != 0 && a < 0.0) {
      let pg3 = -a * uniforms.dualC;
      if (o.L > pg3) {
        o.L = pg3;
        o.g = 0.0;
        o.lower = 1.0;
      }
    }
  } else if (kind == 2) {
    let r = exp(d);
    o.kl = -d;
    var w = min(r, uniforms.hi);
    if (uniforms.cispoTwoSided != 0) { w = clamp(r, uniforms.lo, uniforms.hi); }
    o.g = -w * a;
    // where -w A overflows float32 the loss itself may fit: then A logp first
    o.L = select(-w * (a * lpv), o.g * lpv, srlFinite(o.g));
    o.clipped = select(0.0, 1.0, w != r);
  } else if (kind == 3) {
    o.g = -a;
    o.L = o.g * lpv;
    o.kl = -delta;
  } else {
    // past rho = e^80 sigma is 1 and sigma (1 - sigma) rho is 0 in float32: rho stays finite,
    // since WGSL may assume there are no infinities (0 * Infinity would be NaN anyway)
    let r = exp(min(d, 80.0));
    o.kl = -d;
    let tau = select(uniforms.tauNeg, uniforms.tauPos, a > 0.0);
    let x = tau * (r - 1.0);
    let s = 1.0 / (1.0 + exp(-x));
    // sigma(x) sigma(-x) = e^-|x| / (1 + e^-|x|)^2: no overflow for any x
    let e = exp(-abs(x));
    o.L = -a * s * 4.0 / tau;
    o.g = -a * 4.0 * (e / ((1.0 + e) * (1.0 + e))) * r * liveT;
  }
  return o;
}

fn srlValid(k : i32, a : f32) -> bool {
  return mask[k] == 1.0 && srlFinite(lp[k]) && srlFinite(old[k]) && srlFinite(a);
}
`;

/** Per row: (n, sum of valid deltas, bad count, 0). */
function rowStatsProgram(B: number): Program {
  return perRow('srlPolicyRows', B, B * 4, ['lp', 'old', 'adv', 'mask'], POLICY_UNIFORMS, 3, `
  var n = 0.0;
  var sd = 0.0;
  var bad = 0.0;
  if (row < uniforms.B) {
    for (var t = lid; t < uniforms.T; t = t + ${WG}) {
      let k = row * uniforms.T + t;
      if (mask[k] == 0.0) { continue; }
      if (!srlValid(k, srlAdv(row, k))) { bad = bad + 1.0; continue; }
      n = n + 1.0;
      sd = sd + (lp[k] - old[k]);
    }
  }
  n = srlSum0(n, lid);
  sd = srlSum1(sd, lid);
  bad = srlSum2(bad, lid);
  if (lid == 0 && row < uniforms.B) {
    result[row * 4] = n;
    result[row * 4 + 1] = sd;
    result[row * 4 + 2] = bad;
    result[row * 4 + 3] = 0.0;
  }`, TOKEN_LOSS);
}

/** One workgroup: per row (weight, GSPO log-ratio, GSPO live, 0), then a totals row (tokens, non-empty rows, bad, 0). */
function rowWeightsProgram(B: number): Program {
  return perRow('srlPolicyWeights', 1, (B + 1) * 4, ['rows'], POLICY_UNIFORMS, 3, `
  var tokens = 0.0;
  var nonEmpty = 0.0;
  var bad = 0.0;
  for (var b = lid; b < uniforms.B; b = b + ${WG}) {
    let n = rows[b * 4];
    tokens = tokens + n;
    nonEmpty = nonEmpty + select(0.0, 1.0, n > 0.0);
    bad = bad + rows[b * 4 + 2];
  }
  tokens = srlSum0(tokens, lid);
  nonEmpty = srlSum1(nonEmpty, lid);
  bad = srlSum2(bad, lid);
  let S = select(nonEmpty, uniforms.normSequences, uniforms.hasNormSequences != 0);
  let D = select(tokens, uniforms.normTokens, uniforms.hasNormTokens != 0);
  for (var b = lid; b < uniforms.B; b = b + ${WG}) {
    let n = rows[b * 4];
    var logr = rows[b * 4 + 1] / max(n, 1.0);
    var live = 1.0;
    if (uniforms.hasSeqMax != 0 && logr >= uniforms.seqMax) {
      logr = uniforms.seqMax;
      live = 0.0;
    }
    var w = 0.0;
    if (uniforms.agg == 0) {
      w = select(0.0, 1.0 / D, D > 0.0);
    } else if (uniforms.agg == 1) {
      w = select(0.0, 1.0 / (n * S), n > 0.0 && S > 0.0);
    } else if (uniforms.agg == 2) {
      w = select(0.0, 1.0 / S, S > 0.0);
    } else {
      w = select(0.0, 1.0 / (S * uniforms.normConstant), S > 0.0);
    }
    result[b * 4] = w;
    result[b * 4 + 1] = logr;
    result[b * 4 + 2] = live;
    result[b * 4 + 3] = 0.0;
  }
  if (lid == 0) {
    result[uniforms.B * 4] = tokens;
    result[uniforms.B * 4 + 1] = nonEmpty;
    result[uniforms.B * 4 + 2] = bad;
    result[uniforms.B * 4 + 3] = 0.0;
  }`);
}

/** Per row: (weight * sum L, clipped, lower, kl, tokens whose weighted gradient is not finite). */
function rowLossProgram(B: number): Program {
  return perRow('srlPolicyLoss', B, B * 5, ['lp', 'old', 'adv', 'mask', 'weights'], POLICY_UNIFORMS, 5, `
  var sl = 0.0;
  var sc = 0.0;
  var slow = 0.0;
  var skl = 0.0;
  var sgo = 0.0;
  var w = 0.0;
  if (row < uniforms.B) {
    w = weights[row * 4];
    let logr = weights[row * 4 + 1];
    let live = weights[row * 4 + 2];
    for (var t = lid; t < uniforms.T; t = t + ${WG}) {
      let k = row * uniforms.T + t;
      let a = srlAdv(row, k);
      if (!srlValid(k, a)) { continue; }
      let o = srlTokenLoss(lp[k], lp[k] - old[k], a, logr, live);
      sl = sl + o.L;
      sc = sc + o.clipped;
      slow = slow + o.lower;
      skl = skl + o.kl;
      sgo = sgo + select(0.0, 1.0, !srlFinite(w * o.g));
    }
  }
  sl = srlSum0(sl, lid);
  sc = srlSum1(sc, lid);
  slow = srlSum2(slow, lid);
  skl = srlSum3(skl, lid);
  sgo = srlSum4(sgo, lid);
  if (lid == 0 && row < uniforms.B) {
    result[row * 5] = w * sl;
    result[row * 5 + 1] = sc;
    result[row * 5 + 2] = slow;
    result[row * 5 + 3] = skl;
    result[row * 5 + 4] = sgo;
  }`, TOKEN_LOSS);
}

/** One workgroup: the stats vector from the rows' partial sums and the totals. */
function finalProgram(): Program {
  return perRow('srlPolicyFinal', 1, STAT_COUNT, ['rowLoss', 'weights'], 'B : i32,', 5, `
  var sl = 0.0;
  var sc = 0.0;
  var slow = 0.0;
  var skl = 0.0;
  var sgo = 0.0;
  for (var b = lid; b < uniforms.B; b = b + ${WG}) {
    sl = sl + rowLoss[b * 5];
    sc = sc + rowLoss[b * 5 + 1];
    slow = slow + rowLoss[b * 5 + 2];
    skl = skl + rowLoss[b * 5 + 3];
    sgo = sgo + rowLoss[b * 5 + 4];
  }
  sl = srlSum0(sl, lid);
  sc = srlSum1(sc, lid);
  slow = srlSum2(slow, lid);
  skl = srlSum3(skl, lid);
  sgo = srlSum4(sgo, lid);
  if (lid == 0) {
    let tokens = weights[uniforms.B * 4];
    let inv = select(0.0, 1.0 / tokens, tokens > 0.0);
    // a bad input (NaN / infinite at a valid position, mask not 0/1) makes the loss NaN
    result[0] = select(sl, uniforms.NAN, weights[uniforms.B * 4 + 2] > 0.0);
    result[1] = sc * inv;
    result[2] = slow * inv;
    result[3] = skl * inv;
    result[4] = tokens;
    result[5] = weights[uniforms.B * 4 + 2];
    result[6] = sgo;
  }`);
}

/** Elementwise: dy[0] * weight * d L / d logp. */
function policyGradProgram(B: number, T: number): Program {
  return elementwise('srlPolicyGrad', B * T, ['dy', 'lp', 'old', 'adv', 'mask', 'weights'], POLICY_UNIFORMS, `
  let k = index;
  let row = index / uniforms.T;
  // a bad input anywhere (the loss is NaN): a NaN gradient, never a plausible one
  if (weights[uniforms.B * 4 + 2] > 0.0) { setOutputAtIndex(index, uniforms.NAN); return; }
  let a = srlAdv(row, k);
  if (!srlValid(k, a)) { setOutputAtIndex(index, 0.0); return; }
  let o = srlTokenLoss(lp[k], lp[k] - old[k], a, weights[row * 4 + 1], weights[row * 4 + 2]);
  setOutputAtIndex(index, dy[0] * weights[row * 4] * o.g);`, TOKEN_LOSS);
}

function perTokenAdvantages(advantages: TensorInfo, T: number): boolean {
  return advantages.shape.length === 2 && T !== 1;
}

const policyLossWebGpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as unknown as WebGpuBackend;
  const { options: o } = attrs as unknown as PolicyLossAttrs;
  const { logProbs, oldLogProbs, advantages, mask } = inputs as Record<'logProbs' | 'oldLogProbs' | 'advantages' | 'mask', TensorInfo>;
  const [B, T] = logProbs.shape as [number, number];
  const u = policyUniforms(o, B, T, perTokenAdvantages(advantages, T));
  const data = [logProbs, oldLogProbs, advantages, mask];
  const rows = run(gpu, rowStatsProgram(B), data, u);
  const weights = run(gpu, rowWeightsProgram(B), [rows], u);
  gpu.disposeData(rows.dataId);
  const rowLoss = run(gpu, rowLossProgram(B), [...data, weights], u);
  const stats = run(gpu, finalProgram(), [rowLoss, weights], [{ type: 'int32', data: [B] }]);
  gpu.disposeData(rowLoss.dataId);
  return [stats, weights];
};

const policyLossGradWebGpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as unknown as WebGpuBackend;
  const { options: o } = attrs as unknown as PolicyLossAttrs;
  const { dy, logProbs, oldLogProbs, advantages, mask, rowInfo } = inputs as Record<string, TensorInfo>;
  const [B, T] = (logProbs as TensorInfo).shape as [number, number];
  const g = run(
    gpu,
    policyGradProgram(B, T),
    [dy, logProbs, oldLogProbs, advantages, mask, rowInfo] as TensorInfo[],
    policyUniforms(o, B, T, perTokenAdvantages(advantages as TensorInfo, T)),
  );
  return reshaped(g, [B, T]);
};

// ------------------------------------------------------------------ logits

/**
 * Per row: (value, max, log of the sum of exponentials, E[z - max], bad) at [n * 5 ...]. A bad
 * row (a NaN / +Infinity logit, no finite logit, an id outside [0, V), or a log-probability
 * that overflows float32 from a finite logit) has the value NaN.
 */
function logitsRowsProgram(kind: 'logp' | 'entropy', N: number): Program {
  const idCheck = kind === 'logp' ? 'let id = ids[row]; if (id < 0 || id >= uniforms.V) { bad = 1.0; }' : '';
  const value =
    kind === 'logp'
      ? `0.0;
    if (bad == 0.0) {
      let zid = z[row * uniforms.V + id];
      v = (zid - m) - logS;
      if (srlFinite(zid) && !srlFinite(v)) { bad = 1.0; }
    }
    v = select(uniforms.NAN, v, bad == 0.0)`
      : 'select(uniforms.NAN, logS - ex, bad == 0.0)';
  return perRow(`srlLogits_${kind}`, N, N * 5, kind === 'logp' ? ['z', 'ids'] : ['z'], 'N : i32, V : i32,', 3, `
  var bad = 0.0;
  var mx = -uniforms.INFINITY;
  if (row < uniforms.N) {
    for (var v = lid; v < uniforms.V; v = v + ${WG}) {
      let x = z[row * uniforms.V + v];
      if (!srlNotNanOrPosInf(x)) { bad = 1.0; } else { mx = max(mx, x); }
    }
  }
  let m = srlMax0(mx, lid);
  bad = srlMax1(bad, lid);
  var se = 0.0;
  var sx = 0.0;
  if (row < uniforms.N && m > -uniforms.INFINITY) {
    for (var v = lid; v < uniforms.V; v = v + ${WG}) {
      let x = max(z[row * uniforms.V + v] - m, -256.0);
      let e = exp(x);
      se = se + e;
      sx = sx + e * x;
    }
  }
  se = srlSum0(se, lid);
  sx = srlSum2(sx, lid);
  if (lid == 0 && row < uniforms.N) {
    if (!(m > -uniforms.INFINITY)) { bad = 1.0; }
    ${idCheck}
    let logS = log(se);
    let ex = sx / se;
    var v = ${value};
    result[row * 5] = v;
    result[row * 5 + 1] = m;
    result[row * 5 + 2] = logS;
    result[row * 5 + 3] = ex;
    result[row * 5 + 4] = bad;
  }`);
}

/** Elementwise over [N, V]: dy[n] times the gradient of the row's value. */
function logitsGradProgram(kind: 'logp' | 'entropy', N: number, V: number): Program {
  const body =
    kind === 'logp'
      ? `let p = exp(x - rowInfo[row * 5 + 2]);
  let hot = select(0.0, 1.0, ids[row] == v);
  setOutputAtIndex(index, dy[row] * (hot - p));`
      : `let xc = max(x, -256.0);
  let p = exp(xc - rowInfo[row * 5 + 2]);
  setOutputAtIndex(index, -dy[row] * p * (xc - rowInfo[row * 5 + 3]));`;
  return elementwise(`srlLogitsGrad_${kind}`, N * V, kind === 'logp' ? ['dy', 'z', 'rowInfo', 'ids'] : ['dy', 'z', 'rowInfo'], 'V : i32,', `
  let row = index / uniforms.V;
  let v = index - row * uniforms.V;
  // a bad row (NaN value) gets a NaN gradient, never a plausible one
  if (rowInfo[row * 5 + 4] != 0.0) { setOutputAtIndex(index, uniforms.NAN); return; }
  let x = z[index] - rowInfo[row * 5 + 1];
  ${body}`);
}

function logitsShape(logits: TensorInfo): [number, number] {
  const V = logits.shape[logits.shape.length - 1] as number;
  let size = 1;
  for (const d of logits.shape) size *= d;
  return [size / V, V];
}

function logitsForward(kind: 'logp' | 'entropy'): KernelFunc {
  return ({ inputs, backend }) => {
    const gpu = backend as unknown as WebGpuBackend;
    const { logits, ids } = inputs as Record<string, TensorInfo>;
    const z = logits as TensorInfo;
    const [N, V] = logitsShape(z);
    const ins = kind === 'logp' ? [z, ids as TensorInfo] : [z];
    const rowInfo = run(gpu, logitsRowsProgram(kind, N), ins, [
      { type: 'int32', data: [N] },
      { type: 'int32', data: [V] },
    ]);
    return [rowInfo];
  };
}

function logitsBackward(kind: 'logp' | 'entropy'): KernelFunc {
  return ({ inputs, backend }) => {
    const gpu = backend as unknown as WebGpuBackend;
    const { dy, logits, rowInfo, ids } = inputs as Record<string, TensorInfo>;
    const z = logits as TensorInfo;
    const [N, V] = logitsShape(z);
    const ins = kind === 'logp' ? [dy, z, rowInfo, ids] : [dy, z, rowInfo];
    const g = run(gpu, logitsGradProgram(kind, N, V), ins as TensorInfo[], [{ type: 'int32', data: [V] }]);
    return reshaped(g, z.shape.slice());
  };
}

/** Floats per row in the row-info output of the webgpu logits kernels, and the slots of the value and the bad flag. @internal */
export const LOGITS_ROW_INFO = { width: 5, value: 0, bad: 4 } as const;

/** The kernel configs for the `webgpu` backend. @internal */
export function webgpuKernelConfigs(): KernelConfig[] {
  const backendName = 'webgpu';
  return [
    { kernelName: POLICY_LOSS, backendName, kernelFunc: policyLossWebGpu },
    { kernelName: POLICY_LOSS_GRAD, backendName, kernelFunc: policyLossGradWebGpu },
    { kernelName: TOKEN_LOG_PROBS, backendName, kernelFunc: logitsForward('logp') },
    { kernelName: TOKEN_LOG_PROBS_GRAD, backendName, kernelFunc: logitsBackward('logp') },
    { kernelName: ENTROPY, backendName, kernelFunc: logitsForward('entropy') },
    { kernelName: ENTROPY_GRAD, backendName, kernelFunc: logitsBackward('entropy') },
  ];
}

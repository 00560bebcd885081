#!/usr/bin/env python3
"""Generate float64 reference fixtures for srl-kit's `ops` module.

The policy losses, loss aggregations, KL estimators, token log-probabilities and entropies
of `srl-kit/ops` are written here a second time, straight from the formulas in
shared/docs/rl-reference.md and verl's `verl/trainer/ppo/core_algos.py`
(`compute_policy_loss_vanilla`, `_gspo`, `_cispo`, `_gpg`, `_sapo`, `agg_loss`,
`kl_penalty_forward`), in float64 with `math.fsum`, without looking at the TypeScript.
The TypeScript tests (plain arrays and tfjs tensors) compare against the files this writes.

Files written (paths relative to the repository root):

``test/fixtures/ops/policy-loss.json``
    Policy-loss cases: every loss x aggregation x option set that matters, random shapes
    (B 1-6, T 1-12), masks with empty rows and all-empty masks, advantages of both signs
    ([B] or [B, T]), ratios inside and outside the clip ranges. Each case holds the loss, the
    per-token losses, the metrics and the analytic gradient of the loss w.r.t. ``logProbs``
    (stop-gradients respected).

``test/fixtures/ops/kl.json``
    Per-token KL estimators (k1, k2, k3, abs) with verl's clamps on and off, and the
    derivative of each value w.r.t. its log-prob.

``test/fixtures/ops/logits.json``
    Token log-probabilities (log-softmax + gather) and entropies of logits rows, large
    logits included, with their gradients w.r.t. the logits.

``test/fixtures/ops/overflow.json``
    Finite inputs at the edge of the number range: policy losses, KL values, aggregations
    and log-probabilities whose exact result fits float32, fits only float64, or fits
    neither, each flagged, so the ops can be checked to return the value or to throw.

Every input value is a float32 number (so Float32Array and tfjs float32 inputs hold exactly
the same values), and every branch decision (clip, dual clip, clamp) is kept at least a
relative 1e-3 (GSPO with tiny clip ranges: a quarter of the range) away from its boundary,
so float32 evaluation and finite differences make the same decisions.

Deterministic: a fixed ``random.Random`` seed; floats are written with ``repr`` (shortest
round trip), so ``JSON.parse`` gives back the same doubles. Standard library only.
Run: ``python3 scripts/gen_ops_fixtures.py``; the format is described in
test/fixtures/ops/README.md.
"""

from __future__ import annotations

import json
import math
import random
import struct
from pathlib import Path

SEED = 20251025
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / 'test' / 'fixtures' / 'ops'

LOSSES = ('ppo', 'gspo', 'cispo', 'reinforce', 'sapo')
AGGREGATIONS = ('token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum', 'seq-mean-token-sum-norm')


def f32(x: float) -> float:
    """Round a float to the nearest float32 value."""
    return struct.unpack('<f', struct.pack('<f', x))[0]


# ---------------------------------------------------------------------------------------------
# Defaults (documented in src/ops/types.ts; chosen from verl / TRL, see that file)
# ---------------------------------------------------------------------------------------------

def resolve(opts: dict) -> dict:
    loss = opts.get('loss', 'ppo')
    return {
        'loss': loss,
        'clipLow': opts.get('clipLow', 0.2),
        'clipHigh': opts.get('clipHigh', 0.2),
        # verl: clip_ratio_c = 3.0 in compute_policy_loss_vanilla; none in compute_policy_loss_gspo
        'dualClip': opts['dualClip'] if 'dualClip' in opts else (3.0 if loss == 'ppo' else None),
        # verl forces seq-mean-token-mean for gspo and sapo; its default loss_agg_mode is token-mean
        'aggregation': opts.get('aggregation', 'seq-mean-token-mean' if loss in ('gspo', 'sapo') else 'token-mean'),
        'normalizer': opts.get('normalizer', {}),
        'logRatioClamp': opts['logRatioClamp'] if 'logRatioClamp' in opts else 20.0,
        'sequenceLogRatioMax': opts['sequenceLogRatioMax'] if 'sequenceLogRatioMax' in opts else 10.0,
        'sapoTau': opts.get('sapoTau', {'positive': 1.0, 'negative': 1.05}),
        'cispoClip': opts.get('cispoClip', 'two-sided'),
    }


def clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# ---------------------------------------------------------------------------------------------
# Policy losses
# ---------------------------------------------------------------------------------------------

def policy_loss(o: dict, B: int, T: int, lp, olp, adv, adv_per_token: bool, mask):
    """Returns (loss, per_token, metrics, grad_logprobs, decisions) in float64.

    `decisions` lists (kind, value, boundary) triples the generator keeps away from boundaries.
    """
    loss = o['loss']
    eL, eH = o['clipLow'], o['clipHigh']
    dual = o['dualClip']
    C = o['logRatioClamp']
    M = o['sequenceLogRatioMax']

    def A(i: int, t: int) -> float:
        return adv[i * T + t] if adv_per_token else adv[i]

    n = [int(math.fsum(mask[i * T:(i + 1) * T])) for i in range(B)]
    N = sum(n)
    per = [0.0] * (B * T)      # per-token loss L (0 at masked positions)
    dper = [0.0] * (B * T)     # dL_t / dlogp_t, stop-gradients respected
    clipped = 0
    lower = 0
    kl_terms = []
    decisions = []

    # GSPO sequence log-ratio s_i = sum_t m delta / max(n_i, 1) (raw delta, as verl)
    s = [math.fsum((lp[i * T + t] - olp[i * T + t]) for t in range(T) if mask[i * T + t] == 1) / max(n[i], 1)
         for i in range(B)]

    for i in range(B):
        for t in range(T):
            k = i * T + t
            if mask[k] != 1:
                continue
            a = A(i, t)
            delta = lp[k] - olp[k]
            if loss in ('ppo', 'cispo', 'sapo'):
                if C is None:
                    d, live = delta, 1.0
                else:
                    d = clip(delta, -C, C)
                    live = 1.0 if -C < delta < C else 0.0
                    decisions.append(('clamp', abs(delta), C))
                rho = math.exp(d)
                kl_terms.append(-d)
            else:
                kl_terms.append(-delta)

            if loss in ('ppo', 'gspo'):
                if loss == 'gspo':
                    logr = s[i]
                    live = 1.0
                    if M is not None:
                        decisions.append(('seqmax', s[i], M))
                        if s[i] >= M:
                            logr, live = M, 0.0
                    r = math.exp(logr)
                else:
                    r = rho
                lo_b, hi_b = 1.0 - eL, 1.0 + eH
                decisions.append(('ratio', r, hi_b))
                if lo_b > 0:
                    decisions.append(('ratio', r, lo_b))
                pg1 = -a * r
                pg2 = -a * clip(r, lo_b, hi_b)
                c1 = max(pg1, pg2)
                is_clipped = pg2 > pg1
                dual_won = False
                L = c1
                if dual is not None and a < 0:
                    decisions.append(('dual', max(r, clip(r, lo_b, hi_b)), dual))
                    pg3 = -a * dual
                    dual_won = c1 > pg3
                    L = min(c1, pg3)
                clipped += is_clipped
                lower += dual_won
                g = 0.0 if (is_clipped or dual_won) else -a * r * live
            elif loss == 'cispo':
                if o['cispoClip'] == 'two-sided':
                    w = clip(rho, 1.0 - eL, 1.0 + eH)
                    if 1.0 - eL > 0:
                        decisions.append(('ratio', rho, 1.0 - eL))
                else:
                    w = min(rho, 1.0 + eH)
                decisions.append(('ratio', rho, 1.0 + eH))
                clipped += w != rho
                L = -w * a * lp[k]
                g = -w * a
            elif loss == 'reinforce':
                L = -a * lp[k]
                g = -a
            elif loss == 'sapo':
                tau = o['sapoTau']['positive'] if a > 0 else o['sapoTau']['negative']
                sg = sigmoid(tau * (rho - 1.0))
                L = -a * sg * 4.0 / tau
                g = -a * 4.0 * sg * (1.0 - sg) * rho * live
            else:
                raise ValueError(loss)
            per[k] = L
            dper[k] = g

    # aggregation and its weight per token (d loss / d L_t)
    agg = o['aggregation']
    norm = o['normalizer']
    S = norm.get('sequences', sum(1 for x in n if x > 0))
    rows = [math.fsum(per[i * T:(i + 1) * T]) for i in range(B)]
    weight = [0.0] * B
    if agg == 'token-mean':
        D = norm.get('tokens', N)
        value = math.fsum(rows) / D if D > 0 else 0.0
        weight = [1.0 / D if D > 0 else 0.0] * B
    elif agg == 'seq-mean-token-mean':
        value = math.fsum(rows[i] / n[i] for i in range(B) if n[i] > 0) / S if S > 0 else 0.0
        weight = [1.0 / (n[i] * S) if (n[i] > 0 and S > 0) else 0.0 for i in range(B)]
    elif agg == 'seq-mean-token-sum':
        value = math.fsum(rows) / S if S > 0 else 0.0
        weight = [1.0 / S if S > 0 else 0.0] * B
    elif agg == 'seq-mean-token-sum-norm':
        K = norm.get('constant', T)
        value = math.fsum(rows) / (S * K) if S > 0 else 0.0
        weight = [1.0 / (S * K) if S > 0 else 0.0] * B
    else:
        raise ValueError(agg)
    grad = [dper[i * T + t] * weight[i] for i in range(B) for t in range(T)]
    metrics = {
        'clipFraction': clipped / N if N else 0.0,
        'clipFractionLower': lower / N if N else 0.0,
        'approxKl': math.fsum(kl_terms) / N if N else 0.0,
        'tokens': N,
        'emptyMask': N == 0,
    }
    return value, per, metrics, grad, decisions


def decisions_ok(decisions, tiny_margin: float) -> bool:
    for kind, v, b in decisions:
        if kind == 'clamp' or kind == 'seqmax':
            if abs(v - b) < 1e-3:
                return False
        else:  # ratio / dual: relative margin
            if abs(v - b) < tiny_margin * abs(b):
                return False
    return True


def draw_row_deltas(rng: random.Random, loss: str, o: dict, T: int, row_mask):
    """Log-ratios for one row, spread over the regions that matter for this loss."""
    eps = min(o['clipLow'], o['clipHigh'])
    if loss == 'gspo':
        # the sequence ratio matters: pick the row's mean log-ratio, add zero-mean noise
        region = rng.choices(['in', 'out', 'dual', 'huge'], weights=[4, 4, 2, 1])[0]
        if region == 'in':
            base = rng.uniform(-0.7, 0.7) * math.log1p(eps)
        elif region == 'out':
            base = rng.choice([-1, 1]) * rng.uniform(2.0, 6.0) * math.log1p(eps)
        elif region == 'dual':
            base = rng.uniform(1.2, 3.0)
        else:
            base = rng.uniform(10.5, 14.0)
        noise = [rng.gauss(0.0, 0.3) for _ in range(T)]
        valid = [t for t in range(T) if row_mask[t] == 1]
        mean = math.fsum(noise[t] for t in valid) / len(valid) if valid else 0.0
        return [base + x - mean for x in noise]
    out = []
    for _ in range(T):
        region = rng.choices(['in', 'out', 'dual', 'huge'], weights=[5, 4, 2, 1])[0]
        if region == 'in':
            out.append(rng.uniform(-0.15, 0.15))
        elif region == 'out':
            out.append(rng.choice([-1, 1]) * rng.uniform(0.3, 1.0))
        elif region == 'dual':
            out.append(rng.uniform(1.2, 3.0))
        else:
            out.append(rng.choice([-1, 1]) * rng.uniform(20.5, 30.0))
    return out


def draw_mask(rng: random.Random, B: int, T: int, empty: bool):
    if empty:
        return [0] * (B * T)
    mask = []
    for _ in range(B):
        style = rng.choices(['prefix', 'scatter', 'empty', 'full'], weights=[5, 2, 1, 2])[0]
        if style == 'prefix':
            k = rng.randint(1, T)
            row = [1] * k + [0] * (T - k)
        elif style == 'scatter':
            row = [1 if rng.random() < 0.6 else 0 for _ in range(T)]
        elif style == 'empty':
            row = [0] * T
        else:
            row = [1] * T
        mask.extend(row)
    return mask


def make_policy_case(rng: random.Random, case_id: str, passed: dict, empty: bool = False, shape=None):
    o = resolve(passed)
    loss = o['loss']
    tiny = min(1e-3, min(o['clipLow'], o['clipHigh']) / 4)
    for _attempt in range(10000):
        B, T = shape if shape else (rng.randint(1, 6), rng.randint(1, 12))
        mask = draw_mask(rng, B, T, empty)
        adv_per_token = rng.random() < 0.35
        if adv_per_token:
            adv = [f32(rng.gauss(0, 1.5)) if rng.random() > 0.08 else 0.0 for _ in range(B * T)]
        else:
            adv = [f32(rng.gauss(0, 1.5)) if rng.random() > 0.08 else 0.0 for _ in range(B)]
        lp, olp = [], []
        for i in range(B):
            row_mask = mask[i * T:(i + 1) * T]
            deltas = draw_row_deltas(rng, loss, o, T, row_mask)
            for t in range(T):
                if row_mask[t] == 1:
                    old = -rng.uniform(0.01, 6.0) - max(deltas[t], 0.0)
                    olp.append(f32(old))
                    lp.append(f32(old + deltas[t]))
                else:
                    # padding: finite junk that must never reach the loss
                    olp.append(f32(-rng.uniform(0.0, 50.0)))
                    lp.append(f32(-rng.uniform(0.0, 50.0)))
        value, per, metrics, grad, decisions = policy_loss(o, B, T, lp, olp, adv, adv_per_token, mask)
        if decisions_ok(decisions, tiny):
            break
    else:
        raise RuntimeError(f'could not draw {case_id} away from the boundaries')
    options = dict(passed)
    return {
        'id': case_id,
        'options': options,
        'resolved': o,
        'shape': [B, T],
        'logProbs': lp,
        'oldLogProbs': olp,
        'advantages': adv,
        'advantagesShape': [B, T] if adv_per_token else [B],
        'mask': mask,
        'expected': {
            'loss': value,
            'perToken': per,
            'metrics': metrics,
            'gradLogProbs': grad,
        },
    }


def policy_cases(rng: random.Random):
    variants = {
        'ppo': [{}, {'clipHigh': 0.28}, {'dualClip': None}, {'dualClip': 2.0, 'clipLow': 0.1, 'clipHigh': 0.3},
                {'logRatioClamp': None}, {'logRatioClamp': 5.0}],
        'gspo': [{}, {'dualClip': 3.0}, {'sequenceLogRatioMax': None}, {'clipLow': 3e-4, 'clipHigh': 4e-4}],
        'cispo': [{}, {'cispoClip': 'upper', 'clipHigh': 4.0}, {'clipLow': 10.0, 'clipHigh': 0.28},
                  {'logRatioClamp': None}],
        'reinforce': [{}],
        'sapo': [{}, {'sapoTau': {'positive': 2.0, 'negative': 3.0}}, {'logRatioClamp': None}],
    }
    cases = []
    for loss in LOSSES:
        for vi, variant in enumerate(variants[loss]):
            for agg in (None,) + AGGREGATIONS:
                for with_norm in (False, True):
                    passed = {'loss': loss, **variant}
                    if agg is not None:
                        passed['aggregation'] = agg
                    if with_norm:
                        # a global batch larger than this micro-batch
                        passed['normalizer'] = {}
                    cid = f'{loss}-v{vi}-{agg or "default"}-{"norm" if with_norm else "local"}'
                    case = make_policy_case(rng, cid, passed)
                    if with_norm:
                        B, T = case['shape']
                        n_tok = sum(case['mask'])
                        n_seq = sum(1 for i in range(B) if sum(case['mask'][i * T:(i + 1) * T]) > 0)
                        norm = {'tokens': n_tok + rng.randint(1, 40), 'sequences': n_seq + rng.randint(1, 6),
                                'constant': T + rng.randint(0, 20)}
                        # sometimes only some fields
                        keys = rng.choice([('tokens', 'sequences', 'constant'), ('tokens',), ('sequences',),
                                           ('constant',), ('sequences', 'constant')])
                        passed['normalizer'] = {k2: norm[k2] for k2 in keys}
                        case = recompute(case, passed)
                    cases.append(case)
        # all-zero masks, with and without a normalizer, for every aggregation
        for agg in AGGREGATIONS:
            passed = {'loss': loss, 'aggregation': agg}
            cases.append(make_policy_case(rng, f'{loss}-emptymask-{agg}', passed, empty=True))
            passed = {'loss': loss, 'aggregation': agg, 'normalizer': {'tokens': 7, 'sequences': 3, 'constant': 5}}
            cases.append(make_policy_case(rng, f'{loss}-emptymask-{agg}-norm', passed, empty=True))
        # a single token
        cases.append(make_policy_case(rng, f'{loss}-single-token', {'loss': loss}, shape=(1, 1)))
    # no options at all: every default (loss 'ppo')
    case = make_policy_case(rng, 'defaults-no-options', {})
    cases.append(case)
    return cases


def recompute(case: dict, passed: dict) -> dict:
    o = resolve(passed)
    B, T = case['shape']
    adv_per_token = len(case['advantagesShape']) == 2
    value, per, metrics, grad, _ = policy_loss(o, B, T, case['logProbs'], case['oldLogProbs'], case['advantages'],
                                               adv_per_token, case['mask'])
    out = dict(case)
    out['options'] = dict(passed)
    out['resolved'] = o
    out['expected'] = {'loss': value, 'perToken': per, 'metrics': metrics, 'gradLogProbs': grad}
    return out


# ---------------------------------------------------------------------------------------------
# KL estimators (verl kl_penalty_forward; TRL computes k3 without clamps)
# ---------------------------------------------------------------------------------------------

def kl_value_grad(estimator: str, clamp, lp: float, ref: float):
    delta = lp - ref
    if estimator == 'k1':
        return delta, 1.0, []
    if estimator == 'abs':
        return abs(delta), (1.0 if delta > 0 else -1.0), [('zero', delta, 0.0)]
    if estimator == 'k2':
        return 0.5 * delta * delta, delta, []
    if estimator == 'k3':
        x = ref - lp
        dec = []
        live = 1.0
        if clamp is not None:
            dec.append(('clampin', abs(x), 20.0))
            if x > 20.0 or x < -20.0:
                x = clip(x, -20.0, 20.0)
                live = 0.0
        v = math.exp(x) - x - 1.0
        dv = (math.exp(x) - 1.0) * -1.0 * live  # d/dlp, since dx/dlp = -1
        if clamp is not None:
            dec.append(('clampout', abs(v), clamp))
            if v > clamp or v < -clamp:
                v = clip(v, -clamp, clamp)
                dv = 0.0
        return v, dv, dec
    raise ValueError(estimator)


def kl_cases(rng: random.Random):
    cases = []
    for est in ('k1', 'k2', 'k3', 'abs'):
        for vi, options in enumerate([{}, {'clamp': None}, {'clamp': 5.0}]):
            for rep in range(3):
                clamp = options['clamp'] if 'clamp' in options else 10.0
                while True:
                    n = rng.randint(1, 40)
                    lp, ref = [], []
                    for _ in range(n):
                        region = rng.choices(['small', 'mid', 'large'], weights=[5, 3, 1])[0]
                        d = {'small': rng.uniform(-0.5, 0.5), 'mid': rng.uniform(-4.0, 4.0),
                             'large': rng.choice([-1, 1]) * rng.uniform(20.5, 26.0)}[region]
                        r = -rng.uniform(0.01, 8.0) - max(d, 0.0)
                        ref.append(f32(r))
                        lp.append(f32(r + d))
                    vals, grads, ok = [], [], True
                    for a, b in zip(lp, ref):
                        v, g, dec = kl_value_grad(est, clamp, a, b)
                        for kind, x, bound in dec:
                            if kind == 'zero':
                                ok &= abs(x) > 1e-6
                            elif kind == 'clampin':
                                ok &= abs(x - bound) > 1e-3
                            else:
                                ok &= abs(x - bound) > 1e-3 * bound
                        vals.append(v)
                        grads.append(g)
                    if ok:
                        break
                cases.append({
                    'id': f'{est}-v{vi}-{rep}',
                    'estimator': est,
                    'options': options,
                    'logProbs': lp,
                    'refLogProbs': ref,
                    'expected': {'values': vals, 'gradLogProbs': grads},
                })
    return cases


# ---------------------------------------------------------------------------------------------
# Log-softmax + gather, entropy
# ---------------------------------------------------------------------------------------------

def logits_row(z):
    m = max(z)
    S = math.fsum(math.exp(x - m) for x in z)
    lse = m + math.log(S)
    logp = [x - lse for x in z]
    p = [math.exp(x) for x in logp]
    H = -math.fsum(pj * lj for pj, lj in zip(p, logp) if pj > 0.0)
    return lse, logp, p, H


def logits_cases(rng: random.Random):
    cases = []
    kinds = ['normal', 'normal', 'offset-large', 'offset-negative', 'overflow-f32', 'peaked', 'equal', 'tiny-vocab']
    for ci in range(40):
        kind = kinds[ci % len(kinds)]
        N = rng.randint(1, 6)
        V = rng.randint(2, 50) if kind != 'tiny-vocab' else rng.randint(1, 2)
        logits = []
        for _ in range(N):
            if kind == 'normal' or kind == 'tiny-vocab':
                row = [rng.gauss(0.0, 3.0) for _ in range(V)]
            elif kind == 'offset-large':
                row = [1.0e4 + rng.gauss(0.0, 5.0) for _ in range(V)]
            elif kind == 'offset-negative':
                row = [-3.0e4 + rng.gauss(0.0, 5.0) for _ in range(V)]
            elif kind == 'overflow-f32':
                row = [rng.uniform(80.0, 120.0) for _ in range(V)]   # exp overflows float32 unshifted
            elif kind == 'peaked':
                row = [rng.gauss(0.0, 1.0) for _ in range(V)]
                row[rng.randrange(V)] += 1000.0
            else:
                row = [7.25] * V
            logits.extend(f32(x) for x in row)
        ids = [rng.randrange(V) for _ in range(N)]
        lps, ents, g_lp, g_ent = [], [], [], []
        for n_ in range(N):
            z = logits[n_ * V:(n_ + 1) * V]
            _lse, logp, p, H = logits_row(z)
            lps.append(logp[ids[n_]])
            ents.append(H)
            g_lp.extend((1.0 if j == ids[n_] else 0.0) - p[j] for j in range(V))
            g_ent.extend(-p[j] * (logp[j] + H) for j in range(V))
        cases.append({
            'id': f'{kind}-{ci}',
            'kind': kind,
            'shape': [N, V],
            'logits': logits,
            'ids': ids,
            'expected': {
                'logProbs': lps,
                'entropy': ents,
                'gradLogProbs': g_lp,
                'gradEntropy': g_ent,
            },
        })
    return cases


# ---------------------------------------------------------------------------------------------
# Overflow edges: finite inputs whose results fit float32, only float64, or neither
# ---------------------------------------------------------------------------------------------

# Smallest magnitude that rounds to infinity in float32 (halfway between FLT_MAX and 2^128).
F32_INF_FROM = 3.4028235677973366e38


def overflows_f32(x: float) -> bool:
    return not (abs(x) < F32_INF_FROM)


def overflow_entry(case: dict, compute) -> dict:
    """Adds `expected`: the float64 values, or None where float64 overflows too."""
    try:
        values = compute()
    except OverflowError:
        values = None
    if values is None:
        case['expected'] = None
        case['overflows'] = {'float32': True, 'float64': True}
        return case
    flat = [v for vs in values.values() for v in (vs if isinstance(vs, list) else [vs])]
    finite64 = all(math.isfinite(v) for v in flat)
    case['expected'] = values if finite64 else None
    case['overflows'] = {'float32': any(overflows_f32(v) for v in flat), 'float64': not finite64}
    return case


def overflow_policy_case(case_id: str, options: dict, shape, lp, olp, adv, mask) -> dict:
    B, T = shape
    o = resolve(options)

    def compute():
        value, per, metrics, grad, _ = policy_loss(o, B, T, lp, olp, adv, len(adv) == B * T and T != 1, mask)
        return {'loss': value, 'perToken': per, 'gradLogProbs': grad, 'approxKl': metrics['approxKl']}

    case = {'id': case_id, 'options': options, 'shape': list(shape), 'logProbs': lp, 'oldLogProbs': olp,
            'advantages': adv, 'advantagesShape': [len(adv)] if len(adv) == B else [B, T], 'mask': mask}
    return overflow_entry(case, compute)


def overflow_kl_case(case_id: str, estimator: str, options: dict, lp, ref) -> dict:
    clamp = options['clamp'] if 'clamp' in options else 10.0

    def compute():
        pairs = [kl_value_grad(estimator, clamp, a, b)[:2] for a, b in zip(lp, ref)]
        return {'values': [v for v, _ in pairs], 'gradLogProbs': [g for _, g in pairs]}

    case = {'id': case_id, 'estimator': estimator, 'options': options, 'logProbs': lp, 'refLogProbs': ref}
    return overflow_entry(case, compute)


def overflow_aggregate_case(case_id: str, mode: str, shape, values, mask) -> dict:
    B, T = shape

    def compute():
        rows = [math.fsum(values[i * T + t] for t in range(T) if mask[i * T + t] == 1) for i in range(B)]
        n = [sum(mask[i * T:(i + 1) * T]) for i in range(B)]
        S = sum(1 for x in n if x > 0)
        if mode == 'token-mean':
            # each value divided first: the exact mean, even where the plain sum would overflow
            return {'loss': math.fsum(v / sum(n) for v, m in zip(values, mask) if m == 1)}
        if mode == 'seq-mean-token-sum':
            total = math.fsum(rows)
            if math.isinf(total):
                raise OverflowError('sum')
            return {'loss': total / S}
        raise ValueError(mode)

    case = {'id': case_id, 'mode': mode, 'shape': list(shape), 'perToken': values, 'mask': mask,
            'float32Inputs': all(not overflows_f32(v) and f32(v) == v for v in values)}
    return overflow_entry(case, compute)


def overflow_logits_case(case_id: str, shape, logits, ids) -> dict:
    N, V = shape

    def compute():
        out = []
        for n_ in range(N):
            z = logits[n_ * V:(n_ + 1) * V]
            m = max(z)
            shifted = z[ids[n_]] - m
            if math.isinf(shifted):
                raise OverflowError('z - max')
            out.append(shifted - math.log(math.fsum(math.exp(x - m) for x in z)))
        return {'logProbs': out}

    case = {'id': case_id, 'shape': list(shape), 'logits': logits, 'ids': ids,
            'float32Inputs': all(not overflows_f32(v) and f32(v) == v for v in logits)}
    return overflow_entry(case, compute)


def overflow_cases():
    p = overflow_policy_case
    policy = [
        # -A rho with rho = e^80: fits float32
        p('ppo-unclamped-e80', {'logRatioClamp': None, 'dualClip': None}, (1, 2), [0.0, -1.0], [-80.0, f32(-1.05)], [-1.0], [1, 1]),
        # rho = e^100: fits float64 only
        p('ppo-unclamped-e100', {'logRatioClamp': None, 'dualClip': None}, (1, 2), [0.0, -1.0], [-100.0, f32(-1.05)], [-1.0], [1, 1]),
        # rho = e^800: fits neither
        p('ppo-unclamped-e800', {'logRatioClamp': None, 'dualClip': None}, (1, 2), [0.0, -1.0], [-800.0, f32(-1.05)], [-1.0], [1, 1]),
        # the dual clip bounds -A rho at -A c: finite whatever rho
        p('ppo-dualclip-e100', {'logRatioClamp': None}, (1, 2), [0.0, -1.0], [-100.0, f32(-1.05)], [-1.0], [1, 1]),
        # GSPO sequence ratio e^100, no sequenceLogRatioMax
        p('gspo-unclamped-e100', {'loss': 'gspo', 'sequenceLogRatioMax': None}, (1, 2), [0.0, 0.0], [-100.0, -100.0], [-1.0], [1, 1]),
        # SAPO saturates: loss -4 A / tau and a zero gradient at rho = e^100
        p('sapo-unclamped-e100', {'loss': 'sapo', 'logRatioClamp': None}, (1, 2), [0.0, -1.0], [-100.0, f32(-1.05)], [1.0], [1, 1]),
        # CISPO clips the weight at 1 + clipHigh
        p('cispo-unclamped-e100', {'loss': 'cispo', 'logRatioClamp': None}, (1, 2), [-1.0, -1.0], [-101.0, f32(-1.05)], [1.0], [1, 1]),
        # the default clamp (20) keeps rho at e^20
        p('ppo-clamped-e800', {'dualClip': None}, (1, 2), [0.0, -1.0], [-800.0, f32(-1.05)], [-1.0], [1, 1]),
        # a finite loss (-1.2 A logp, logp small) whose gradient -1.2 A does not fit float32
        p('cispo-gradient-3e38', {'loss': 'cispo'}, (1, 1), [f32(-1e-3)], [f32(-1.001)], [f32(3e38)], [1]),
    ]
    k = overflow_kl_case
    kl = [
        k('k3-unclamped-e80', 'k3', {'clamp': None}, [0.0], [80.0]),
        k('k3-unclamped-e100', 'k3', {'clamp': None}, [0.0], [100.0]),
        k('k3-unclamped-e800', 'k3', {'clamp': None}, [0.0], [800.0]),
        k('k3-clamped-e800', 'k3', {}, [0.0, -1.0], [800.0, -1.5]),
        k('k2-3e19', 'k2', {}, [0.0], [f32(3e19)]),
        k('k2-1e19', 'k2', {}, [0.0], [f32(1e19)]),
    ]
    big = f32(3e38)
    a = overflow_aggregate_case
    aggregate = [
        a('token-mean-3e38', 'token-mean', (1, 2), [big, big], [1, 1]),
        a('seq-mean-token-sum-3e38', 'seq-mean-token-sum', (1, 2), [big, big], [1, 1]),
        a('seq-mean-token-sum-1e308', 'seq-mean-token-sum', (1, 2), [1e308, 1e308], [1, 1]),
    ]
    lg = overflow_logits_case
    logits = [
        lg('logp-3e38', (1, 2), [big, f32(1e38)], [1]),
        lg('logp-6e38', (1, 2), [big, -big], [1]),
        lg('logp-1e308', (1, 2), [1e308, -1e308], [1]),
    ]
    return {'policyLoss': policy, 'kl': kl, 'aggregate': aggregate, 'logits': logits}


def write(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, ensure_ascii=True, separators=(',', ':'), allow_nan=False)
    path.write_text(text + '\n', encoding='ascii')
    print(f'wrote {path.relative_to(ROOT)} ({len(text)} bytes)')


def main() -> None:
    rng = random.Random(SEED)
    meta = {'generator': 'scripts/gen_ops_fixtures.py', 'seed': SEED, 'format': 'see test/fixtures/ops/README.md'}
    write(OUT / 'policy-loss.json', {**meta, 'cases': policy_cases(rng)})
    write(OUT / 'kl.json', {**meta, 'cases': kl_cases(rng)})
    write(OUT / 'logits.json', {**meta, 'cases': logits_cases(rng)})
    write(OUT / 'overflow.json', {**meta, 'cases': overflow_cases()})


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Generate reference fixtures for srl-kit's advantage module (``src/advantage``).

The TypeScript test-suite runs without Python, so this script records, in
float64, the advantages, group statistics and dynamic-sampling decisions that
the published formulas give, and writes them as JSON:

``test/fixtures/advantage/advantages.json``
    ``inputs`` (rewards, ``groupSize`` or ``groupIds``, ``lengths``) and
    ``cases`` (an input's index, options, expected advantages and report).
    Group-relative advantages (grpo, rloo, reinforce_baseline, opo, gpg) for
    random rewards (0/1, uniform, SRL-like difflib ratios with -1 format
    penalties, ties, wide ranges, all-equal groups), groups of 1 and 2, varied
    G, ``groupIds`` in any order, missing rewards and token lengths, with the
    library's defaults, its options, and the ``verl`` / ``trl`` / ``openrlhf``
    presets.

``test/fixtures/advantage/group-stats.json``
    Per-group mean, population std, sample std, min, max and counts.

``test/fixtures/advantage/filter.json``
    Dynamic-sampling decisions: the SRL paper's rule (population std >
    epsilon), DAPO / verl ``filter_groups`` (std > 0, a group of one kept) and
    OpenRLHF's ``--dynamic_filtering`` (range[0] < mean < range[1]).

How the expected values are computed
------------------------------------
Two independent Python implementations are written here, neither from the
TypeScript code:

1. ``reference_advantages``: the formulas of ``shared/docs/rl-reference.md``
   with the library's documented conventions (missing rewards, a group of one,
   whitening over tokens).
2. Transcriptions of the trainers' own code, loop for loop:
   verl ``core_algos.py`` (``compute_grpo_outcome_advantage``,
   ``compute_rloo_outcome_advantage``, ``compute_opo_outcome_advantage``,
   ``compute_gpg_outcome_advantage``,
   ``compute_reinforce_plus_plus_baseline_outcome_advantage``) with
   ``verl/utils/torch_functional.py`` ``masked_whiten``; TRL ``grpo_trainer.py``
   ``_generate_and_score_completions`` (``sum_then_normalize``); OpenRLHF
   ``experience_maker.py`` ``compute_advantages_and_returns`` with
   ``models/utils.py`` ``compute_reward`` (its ``reward_clip_range`` clamp); verl's DAPO
   ``filter_groups`` and OpenRLHF's dynamic filtering.

For every preset case inside a trainer's domain (verl: no missing rewards;
TRL: contiguous groups; OpenRLHF: contiguous groups, no missing rewards, G > 1)
the generator checks that (1) with the preset's settings equals (2), and
stops if they differ; the fixture records the value of (2) and which trainer
function it came from.

Tensor arithmetic is replaced by float64 arithmetic with correctly rounded sums
(``math.fsum``), so the values are the exact-arithmetic ones up to the final
rounding. Where the trainers run float32 the difference is theirs, not a
different formula. Three documented conventions replace torch's rounding
noise: the mean of equal values is that value (and their std 0); verl's
``masked_mean`` divides by ``mask.sum() + 1e-8``, where the 1e-8 is below
float32 resolution for any non-empty mask and is omitted; the sample std of
fewer than 2 values is 0 (TRL's rule; torch would give NaN).

Floats are written with Python's ``repr`` (``json.dumps``), so ``JSON.parse``
gives back the same doubles. Missing rewards are ``null``. The output is
deterministic (fixed seeds, no hash order). Standard library only.

Run with ``python3 scripts/gen_advantage_fixtures.py`` from the repository root
(or anywhere: paths are relative to this file).
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from pathlib import Path

SEED = 20251025
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / 'test' / 'fixtures' / 'advantage'

# The tests compare with |actual - expected| <= TOL * max(1, |expected|).
TOL = 1e-12

# --------------------------------------------------------------------------- #
# float64 stand-ins for torch.mean / torch.std / np.std                         #
# --------------------------------------------------------------------------- #


def f_mean(xs):
    """torch.mean / np.mean in float64: correctly rounded sum / n; equal values give that value."""
    xs = list(xs)
    if all(x == xs[0] for x in xs):
        return xs[0]
    return math.fsum(xs) / len(xs)


def f_sumsq(xs, mean):
    if all(x == xs[0] for x in xs):
        return 0.0
    return math.fsum((x - mean) * (x - mean) for x in xs)


def f_std(xs, unbiased=True):
    """torch.std (unbiased=True) or np.std (unbiased=False); fewer values than the divisor needs give 0."""
    xs = list(xs)
    n = len(xs)
    d = n - 1 if unbiased else n
    if d <= 0:
        return 0.0
    ss = f_sumsq(xs, f_mean(xs))
    return math.sqrt(ss / d) if ss != 0 else 0.0


def close(a, b):
    return abs(a - b) <= TOL * max(1.0, abs(b))


def all_close(a, b):
    return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))


# --------------------------------------------------------------------------- #
# (1) the reference formulas with the library's documented conventions         #
# --------------------------------------------------------------------------- #

DEFAULTS = dict(
    estimator='grpo', scale='group', eps=1e-6, std='sample', singleton='zero', missing='exclude',
    whitenStd='sample', whitenEps=1e-8, whitenEpsMode='add', clipRange=None,
)
PRESETS = {
    # verl core_algos.py: epsilon=1e-6, torch.std, len(group) == 1 -> mean 0, std 1;
    # torch_functional.masked_whiten: unbiased masked_var, rsqrt(var + 1e-8).
    'verl': dict(scale='group', eps=1e-6, std='sample', singleton='raw', missing='exclude',
                 whitenStd='sample', whitenEps=1e-8, whitenEpsMode='add', clipRange=None),
    # TRL grpo_trainer.py: `advantages / (std_rewards + 1e-4)`, `.std(dim=1)`, G == 1 -> std 0,
    # rewards = nansum over reward functions (an all-None row becomes 0).
    'trl': dict(scale='group', eps=1e-4, std='sample', singleton='zero', missing='zero',
                whitenStd='sample', whitenEps=1e-8, whitenEpsMode='add', clipRange=None),
    # OpenRLHF experience_maker.py: group_norm `/ (rewards.std(-1) + 1e-9)`; compute_reward clamps
    # the shaped reward to --reward_clip_range (default (-10, 10)); advantage normalization:
    # population var, `var.clamp(min=1e-8).rsqrt()`.
    'openrlhf': dict(scale='group', eps=1e-9, std='sample', singleton='zero', missing='exclude',
                     whitenStd='population', whitenEps=1e-8, whitenEpsMode='clamp', clipRange=[-10.0, 10.0]),
}


def settings_for(options):
    s = dict(DEFAULTS)
    if options.get('preset'):
        s.update(PRESETS[options['preset']])
    for k, v in options.items():
        if k != 'preset':
            s[k] = v
    return s


def reference_advantages(rewards, groups, s, lengths=None):
    """rl-reference.md formulas. `groups`: list of index lists. Returns (advantages, report)."""
    n = len(rewards)
    counts = [r is not None or s['missing'] == 'zero' for r in rewards]
    val = [0.0 if r is None else r for r in rewards]
    adv = [0.0] * n
    est = s['estimator']
    report = dict(rollouts=n, groups=len(groups), missing=sum(r is None for r in rewards),
                  emptyGroups=0, singletonGroups=0, zeroStdGroups=0)

    present_all = [val[i] for i in range(n) if counts[i]]
    batch_std = 0.0
    alpha = 1.0
    if est == 'grpo' and s['scale'] == 'batch':
        batch_std = f_std(present_all, s['std'] == 'sample')
        report['batchStd'] = batch_std
    if est == 'gpg':
        alpha = len(present_all) / max(sum(1 for x in present_all if x != 0), 1)
        report['alpha'] = alpha

    def scale_div(x, d):
        return 0.0 if d == 0 else x / d

    for g in groups:
        idx = [i for i in g if counts[i]]
        k = len(idx)
        if k == 0:
            report['emptyGroups'] += 1
            continue
        r = [val[i] for i in idx]
        if k == 1:
            report['singletonGroups'] += 1
            if s['singleton'] == 'zero':
                continue  # baseline = the reward itself
            # verl: mean 0, std 1
            i, x = idx[0], r[0]
            if est == 'grpo':
                d = {'group': 1.0 + s['eps'], 'batch': batch_std + s['eps'], 'none': 1.0}[s['scale']]
                adv[i] = scale_div(x, d)
            elif est == 'gpg':
                adv[i] = alpha * x
            else:
                adv[i] = x
            continue
        mean = f_mean(r)
        if all(x == r[0] for x in r):
            report['zeroStdGroups'] += 1
        if est == 'grpo':
            if s['scale'] == 'group':
                d = f_std(r, s['std'] == 'sample') + s['eps']
            elif s['scale'] == 'batch':
                d = batch_std + s['eps']
            else:
                d = 1.0
            for i, x in zip(idx, r):
                adv[i] = scale_div(x - mean, d)
        elif est == 'rloo':
            # mean of the other k-1 rewards
            for i, x in zip(idx, r):
                others = [y for j, y in zip(idx, r) if j != i]
                adv[i] = x - f_mean(others)
        elif est == 'opo':
            w = [lengths[i] for i in idx]
            tw = math.fsum(w)
            if tw == 0:
                base = mean
            else:
                tokens_equal = all(x == r[0] for x, l in zip(r, w) if l > 0)
                base = [x for x, l in zip(r, w) if l > 0][0] if tokens_equal else math.fsum(l * x for l, x in zip(w, r)) / tw
            for i, x in zip(idx, r):
                adv[i] = x - base
        elif est == 'gpg':
            for i, x in zip(idx, r):
                adv[i] = alpha * (x - mean)
        elif est == 'reinforce_baseline':
            for i, x in zip(idx, r):
                adv[i] = x - mean

    if s['clipRange'] is not None:
        lo, hi = s['clipRange']
        for i in range(n):
            if counts[i]:
                adv[i] = min(max(adv[i], lo), hi)

    if est == 'reinforce_baseline':
        idx = [i for i in range(n) if counts[i]]
        w = [1.0 if lengths is None else lengths[i] for i in idx]
        a = [adv[i] for i in idx]
        tokens = math.fsum(w)
        live = [x for x, l in zip(a, w) if l > 0]
        if tokens == 0:
            m, ss = 0.0, 0.0
        elif all(x == live[0] for x in live):
            m, ss = live[0], 0.0
        else:
            m = math.fsum(l * x for l, x in zip(w, a)) / tokens
            ss = math.fsum(l * ((x - m) * (x - m)) for l, x in zip(w, a))
        div = tokens - 1 if s['whitenStd'] == 'sample' else tokens
        var = ss / div if div > 0 else 0.0
        den = math.sqrt(var + s['whitenEps']) if s['whitenEpsMode'] == 'add' else math.sqrt(max(var, s['whitenEps']))
        for i in idx:
            adv[i] = 0.0 if tokens == 0 else scale_div(adv[i] - m, den)
        report['whiten'] = dict(mean=m, std=math.sqrt(var), tokens=tokens)
    return adv, report


# --------------------------------------------------------------------------- #
# (2) the trainers' code, transcribed                                          #
# --------------------------------------------------------------------------- #


def verl_grpo(scores, index, epsilon=1e-6, norm_adv_by_std_in_grpo=True):
    """verl core_algos.compute_grpo_outcome_advantage."""
    scores = list(scores)
    id2score, id2mean, id2std = defaultdict(list), {}, {}
    for i in range(len(scores)):
        id2score[index[i]].append(scores[i])
    for idx in id2score:
        if len(id2score[idx]) == 1:
            id2mean[idx], id2std[idx] = 0.0, 1.0
        else:
            id2mean[idx] = f_mean(id2score[idx])
            id2std[idx] = f_std(id2score[idx], unbiased=True)
    for i in range(len(scores)):
        if norm_adv_by_std_in_grpo:
            scores[i] = (scores[i] - id2mean[index[i]]) / (id2std[index[i]] + epsilon)
        else:
            scores[i] = scores[i] - id2mean[index[i]]
    return scores


def verl_rloo(scores, index):
    """verl core_algos.compute_rloo_outcome_advantage (the loop version)."""
    scores = list(scores)
    id2score, id2mean = defaultdict(list), {}
    for i in range(len(scores)):
        id2score[index[i]].append(scores[i])
    for idx in id2score:
        id2mean[idx] = 0.0 if len(id2score[idx]) == 1 else f_mean(id2score[idx])
    for i in range(len(scores)):
        response_num = len(id2score[index[i]])
        if response_num > 1:
            scores[i] = scores[i] * response_num / (response_num - 1) - id2mean[index[i]] * response_num / (response_num - 1)
    return scores


def verl_opo(scores, lengths, index):
    """verl core_algos.compute_opo_outcome_advantage (response_length = response_mask.sum(-1))."""
    scores = list(scores)
    id2score, id2len, id2bsl = defaultdict(list), defaultdict(list), {}
    for i in range(len(scores)):
        id2score[index[i]].append(scores[i])
        id2len[index[i]].append(lengths[i])
    for idx in id2score:
        if len(id2score[idx]) == 1:
            id2bsl[idx] = 0.0
        else:
            xs, ls = id2score[idx], id2len[idx]
            # (len_tensor * score_tensor).sum() / len_tensor.sum(), exact: tokens of equal reward give that reward
            id2bsl[idx] = xs[0] if all(x == xs[0] for x in xs) else math.fsum(l * x for l, x in zip(ls, xs)) / math.fsum(ls)
    for i in range(len(scores)):
        scores[i] = scores[i] - id2bsl[index[i]]
    return scores


def verl_gpg(scores, index, f_norm=1.0):
    """verl core_algos.compute_gpg_outcome_advantage."""
    scores = list(scores)
    bsz = len(scores)
    m = sum(1 for x in scores if x != 0)
    alpha = bsz / max(m, 1)
    id2score, id2mean = defaultdict(list), {}
    for i in range(bsz):
        id2score[index[i]].append(scores[i])
    for idx in id2score:
        id2mean[idx] = 0.0 if len(id2score[idx]) == 1 else f_mean(id2score[idx])
    for i in range(bsz):
        scores[i] = alpha * (scores[i] - id2mean[index[i]]) / f_norm
    return scores, alpha


def verl_masked_whiten(token_values):
    """verl torch_functional.masked_whiten over the valid tokens (masked_var unbiased=True)."""
    n = len(token_values)
    mean = f_mean(token_values)
    variance = f_sumsq(token_values, mean) / n  # masked_mean(centered ** 2)
    variance = variance * (n / (n - 1))  # bessel_correction
    rs = 1.0 / math.sqrt(variance + 1e-8)  # torch.rsqrt
    return [(x - mean) * rs for x in token_values], mean


def verl_rfpp_baseline(scores, lengths, index):
    """verl core_algos.compute_reinforce_plus_plus_baseline_outcome_advantage (tile over tokens, masked_whiten)."""
    scores = list(scores)
    id2score, id2mean = defaultdict(list), {}
    for i in range(len(scores)):
        id2score[index[i]].append(scores[i])
    for idx in id2score:
        id2mean[idx] = 0.0 if len(id2score[idx]) == 1 else f_mean(id2score[idx])
    for i in range(len(scores)):
        scores[i] = scores[i] - id2mean[index[i]]
    tokens, owner = [], []
    for i in range(len(scores)):
        for _ in range(lengths[i]):
            tokens.append(scores[i])
            owner.append(i)
    whitened, _ = verl_masked_whiten(tokens)
    out = [0.0] * len(scores)
    for t, i in zip(whitened, owner):
        out[i] = t  # every token of a rollout has the same value
    return out


def trl_grpo(rewards, num_generations, scale_rewards='group'):
    """TRL grpo_trainer._generate_and_score_completions, multi_objective_aggregation='sum_then_normalize'."""
    # rewards = (rewards_per_func * reward_weights).nansum(dim=1), one reward function of weight 1
    rewards = [0.0 if r is None else r for r in rewards]
    G = num_generations
    groups = [rewards[i:i + G] for i in range(0, len(rewards), G)]
    mean_grouped = [f_mean(g) for g in groups]
    if scale_rewards in ('group', 'none'):
        std_grouped = [f_std(g, True) for g in groups] if G > 1 else [0.0] * len(groups)
        std_rewards = [std_grouped[i // G] for i in range(len(rewards))]
    else:  # batch
        bs = f_std(rewards, True) if len(rewards) > 1 else 0.0
        std_rewards = [bs] * len(rewards)
    advantages = [rewards[i] - mean_grouped[i // G] for i in range(len(rewards))]
    if scale_rewards != 'none':
        advantages = [a / (s + 1e-4) for a, s in zip(advantages, std_rewards)]
    return advantages


def openrlhf_shaping(rewards, n_samples_per_prompt, estimator, reward_clip_range=(-10.0, 10.0)):
    """OpenRLHF experience_maker.compute_advantages_and_returns, reward shaping, then
    models/utils.compute_reward's clamp (kl 0; with gamma 1 every action token's return is r)."""
    G = n_samples_per_prompt
    out = []
    for s in range(0, len(rewards), G):
        r = rewards[s:s + G]
        if estimator == 'rloo':
            total = math.fsum(r)
            out += [x - (total - x) / (G - 1) for x in r]
        elif estimator in ('reinforce_baseline', 'dr_grpo'):
            m = f_mean(r)
            out += [x - m for x in r]
        elif estimator == 'group_norm':
            m, sd = f_mean(r), f_std(r, True)
            out += [(x - m) / (sd + 1e-9) for x in r]
    lo, hi = reward_clip_range
    return [min(max(x, lo), hi) for x in out]  # r.clamp(min=lo, max=hi)


def openrlhf_normalize(advantages, lengths):
    """OpenRLHF advantage normalization for reinforce_baseline over all action tokens."""
    tokens = []
    for a, l in zip(advantages, lengths):
        tokens += [a] * l
    num_actions = len(tokens)
    mean = f_mean(tokens)
    var = f_sumsq(tokens, mean) / num_actions
    rstd = 1.0 / math.sqrt(max(var, 1e-8))
    return [(a - mean) * rstd for a in advantages]


def verl_filter_groups(rewards, groups):
    """verl DAPO filter_groups: keep iff np.std(metric) > 0 or len == 1."""
    return [f_std([rewards[i] for i in g], unbiased=False) > 0 or len(g) == 1 for g in groups]


def openrlhf_filter(rewards, G, lo, hi):
    """OpenRLHF samples_generator: avg_reward = sum(scores) / len(scores); keep iff min_r < avg < max_r."""
    out = []
    for s in range(0, len(rewards), G):
        scores = rewards[s:s + G]
        avg = f_mean(scores)
        out.append(lo < avg < hi)
    return out


# --------------------------------------------------------------------------- #
# random inputs                                                                #
# --------------------------------------------------------------------------- #

KINDS = ['binary', 'uniform', 'srl', 'ties', 'wide', 'tiny_spread', 'equal']


def draw(rng, kind):
    if kind == 'binary':
        return float(rng.random() < 0.4)
    if kind == 'uniform':
        return rng.random()
    if kind == 'srl':  # difflib ratios, a format penalty of -1 now and then
        if rng.random() < 0.15:
            return -1.0
        return round(rng.random(), rng.choice([2, 3, 17]))
    if kind == 'ties':
        return rng.choice([0.0, 0.25, 0.5, 0.75, 1.0])
    if kind == 'wide':
        return rng.uniform(-10.0, 10.0)
    if kind == 'tiny_spread':
        return 0.5 + rng.random() * 1e-7
    raise ValueError(kind)


def make_rewards(rng, sizes, kind, p_missing=0.0, p_equal=0.2, p_empty=0.0):
    """Rewards for groups of the given sizes (flattened in group order)."""
    out = []
    for size in sizes:
        if kind == 'equal' or rng.random() < p_equal:
            v = draw(rng, rng.choice(['binary', 'srl', 'ties', 'uniform']))
            g = [v] * size
        else:
            g = [draw(rng, kind) for _ in range(size)]
        if rng.random() < p_empty:
            g = [None] * size
        else:
            g = [None if rng.random() < p_missing else x for x in g]
        out += g
    return out


def shuffled_ids(rng, sizes):
    """groupIds in a random order, with arbitrary integer ids; returns (order, ids, groups)."""
    pool = rng.sample(range(-1000, 100000), len(sizes))
    labels = []
    for gid, size in zip(pool, sizes):
        labels += [gid] * size
    order = list(range(len(labels)))
    rng.shuffle(order)
    ids = [labels[j] for j in order]
    return order, ids


def groups_from_ids(ids):
    first, groups = {}, []
    for i, gid in enumerate(ids):
        if gid not in first:
            first[gid] = len(groups)
            groups.append([])
        groups[first[gid]].append(i)
    return groups


def contiguous(n, G):
    return [list(range(s, s + G)) for s in range(0, n, G)]


# --------------------------------------------------------------------------- #
# cases                                                                        #
# --------------------------------------------------------------------------- #

ESTIMATORS = ['grpo', 'rloo', 'reinforce_baseline', 'opo', 'gpg']

# Option variants tried without a preset (beyond the defaults).
GENERIC_VARIANTS = {
    'grpo': [{}, {'std': 'population'}, {'scale': 'batch'}, {'scale': 'none'}, {'singleton': 'raw'},
             {'missing': 'zero'}, {'eps': 0.0}, {'eps': 1e-4, 'scale': 'batch', 'std': 'population'}],
    'rloo': [{}, {'singleton': 'raw'}, {'missing': 'zero'}, {'clipRange': [-0.5, 0.25]}],
    'reinforce_baseline': [{}, {'whitenStd': 'population', 'whitenEpsMode': 'clamp'}, {'singleton': 'raw'},
                           {'missing': 'zero'}, {'whitenEps': 0.0}, {'clipRange': [-1.0, 1.0]}],
    'opo': [{}, {'singleton': 'raw'}, {'missing': 'zero'}],
    'gpg': [{}, {'singleton': 'raw'}, {'missing': 'zero'}],
}


def trainer_check(case, rewards, groups, s, lengths, contiguous_G):
    """Runs the transcribed trainer code when the case lies in its domain; returns (values, source) or None."""
    preset = case['options'].get('preset')
    est = s['estimator']
    has_missing = any(r is None for r in rewards)
    n = len(rewards)
    index = [0] * n
    for g, members in enumerate(groups):
        for i in members:
            index[i] = g
    if preset == 'verl' and not has_missing and n > 0:
        if est == 'grpo' and s['scale'] in ('group', 'none') and s['std'] == 'sample' and s['singleton'] == 'raw':
            return verl_grpo(rewards, index, s['eps'], s['scale'] == 'group'), 'verl compute_grpo_outcome_advantage'
        if est == 'rloo' and s['singleton'] == 'raw':
            return verl_rloo(rewards, index), 'verl compute_rloo_outcome_advantage'
        if est == 'opo' and s['singleton'] == 'raw' and all(sum(lengths[i] for i in g) > 0 for g in groups):
            return verl_opo(rewards, lengths, index), 'verl compute_opo_outcome_advantage'
        if est == 'gpg' and s['singleton'] == 'raw':
            return verl_gpg(rewards, index)[0], 'verl compute_gpg_outcome_advantage'
        if (est == 'reinforce_baseline' and s['singleton'] == 'raw' and lengths is not None
                and all(isinstance(l, int) and l > 0 for l in lengths) and sum(lengths) > 1
                and (s['whitenStd'], s['whitenEps'], s['whitenEpsMode']) == ('sample', 1e-8, 'add')):
            return (verl_rfpp_baseline(rewards, lengths, index),
                    'verl compute_reinforce_plus_plus_baseline_outcome_advantage + masked_whiten')
    if preset == 'trl' and contiguous_G and est == 'grpo' and s['missing'] == 'zero' and s['std'] == 'sample' \
            and s['eps'] == 1e-4 and s['singleton'] == 'zero':
        return trl_grpo(rewards, contiguous_G, s['scale']), 'trl GRPOTrainer._generate_and_score_completions'
    if (preset == 'openrlhf' and contiguous_G and contiguous_G > 1 and not has_missing and n > 0 and s['std'] == 'sample'
            and s['clipRange'] == [-10.0, 10.0]):
        if est == 'grpo' and s['scale'] == 'group' and s['eps'] == 1e-9:
            return openrlhf_shaping(rewards, contiguous_G, 'group_norm'), 'openrlhf compute_advantages_and_returns (group_norm)'
        if est == 'grpo' and s['scale'] == 'none':
            return openrlhf_shaping(rewards, contiguous_G, 'dr_grpo'), 'openrlhf compute_advantages_and_returns (dr_grpo)'
        if est == 'rloo':
            return openrlhf_shaping(rewards, contiguous_G, 'rloo'), 'openrlhf compute_advantages_and_returns (rloo)'
        if (est == 'reinforce_baseline' and lengths is not None and all(isinstance(l, int) and l > 0 for l in lengths)
                and (s['whitenStd'], s['whitenEps'], s['whitenEpsMode']) == ('population', 1e-8, 'clamp')):
            shaped = openrlhf_shaping(rewards, contiguous_G, 'reinforce_baseline')
            return openrlhf_normalize(shaped, lengths), 'openrlhf compute_advantages_and_returns (reinforce_baseline)'
    return None


def build_advantage_cases(rng):
    cases, inputs, input_index = [], [], {}
    counter = defaultdict(int)

    def add(category, rewards, grouping, options, lengths=None):
        counter[category] += 1
        inp = {'rewards': rewards}
        inp.update(grouping)
        if lengths is not None:
            inp['lengths'] = lengths
        key = json.dumps(inp, sort_keys=True)
        if key not in input_index:
            input_index[key] = len(inputs)
            inputs.append(inp)
        case = {'id': f'{category}-{counter[category]}', 'category': category, 'input': input_index[key], 'options': options}
        n = len(rewards)
        if 'groupSize' in grouping:
            groups = contiguous(n, grouping['groupSize'])
            G = grouping['groupSize']
        else:
            groups = groups_from_ids(grouping['groupIds'])
            G = None
        s = settings_for(options)
        adv, report = reference_advantages(rewards, groups, s, lengths)
        checked = trainer_check(case, rewards, groups, s, lengths, G)
        if checked is not None:
            values, source = checked
            if not all_close(adv, values):
                bad = [(i, a, b) for i, (a, b) in enumerate(zip(adv, values)) if not close(a, b)]
                raise SystemExit(f'{case["id"]}: reference and {source} disagree: {bad[:5]}')
            adv = values
            case['checkedAgainst'] = source
        case['expected'] = {'advantages': adv, 'report': report}
        cases.append(case)

    def random_lengths(n, allow_zero=False):
        lo = 0 if allow_zero else 1
        return [rng.randint(lo, 300) if rng.random() < 0.9 else rng.randint(lo, 4) for _ in range(n)]

    # Contiguous groups: every estimator, defaults and variants, and each preset.
    for rep in range(4):
        for G in (1, 2, 3, 4, 8, 16):
            kind = KINDS[(rep + G) % len(KINDS)]
            num = rng.randint(1, 6) if G < 16 else rng.randint(1, 3)
            p_missing = 0.0 if rep % 2 == 0 else 0.15
            rewards = make_rewards(rng, [G] * num, kind, p_missing=p_missing, p_empty=0.1 if rep == 3 else 0.0)
            lengths = random_lengths(len(rewards))
            for est in ESTIMATORS:
                variants = GENERIC_VARIANTS[est] if rep < 2 else [{}]
                for v in variants:
                    add(f'contiguous-{est}', rewards, {'groupSize': G}, dict({'estimator': est}, **v),
                        lengths if est in ('opo', 'reinforce_baseline') else None)
                for preset in ('verl', 'trl', 'openrlhf'):
                    opts = {'estimator': est, 'preset': preset}
                    add(f'preset-{preset}-{est}', rewards, {'groupSize': G}, opts,
                        lengths if est in ('opo', 'reinforce_baseline') else None)
                    if est == 'grpo':
                        for scale in ('none', 'batch'):
                            add(f'preset-{preset}-{est}', rewards, {'groupSize': G}, dict(opts, scale=scale))

    # groupIds in any order, uneven groups (sizes 1..6).
    for rep in range(10):
        sizes = [rng.randint(1, 6) for _ in range(rng.randint(1, 7))]
        kind = KINDS[rep % len(KINDS)]
        flat = make_rewards(rng, sizes, kind, p_missing=0.1 if rep % 2 else 0.0)
        order, ids = shuffled_ids(rng, sizes)
        rewards = [flat[j] for j in order]
        flat_lengths = random_lengths(len(flat))
        lengths = [flat_lengths[j] for j in order]
        for est in ESTIMATORS:
            uses_len = est in ('opo', 'reinforce_baseline')
            add(f'ids-{est}', rewards, {'groupIds': ids}, {'estimator': est}, lengths if uses_len else None)
            add(f'ids-{est}', rewards, {'groupIds': ids}, {'estimator': est, 'singleton': 'raw'}, lengths if uses_len else None)
            add(f'ids-preset-verl-{est}', rewards, {'groupIds': ids}, {'estimator': est, 'preset': 'verl'},
                lengths if uses_len else None)

    # Groups of one and two, edge cases.
    edge_sets = [
        ([0.7], 1), ([0.7, 0.2], 2), ([1.0, 1.0], 2), ([0.0, 1.0], 2), ([-1.0, 0.5], 2),
        ([0.1, 0.1, 0.1], 3), ([0.3, 0.1, 0.2], 3), ([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 8),
        ([0.8] * 8, 8), ([None, 0.4, None, None], 4), ([None, None], 2), ([0.5, None, 0.5, 0.25], 2),
        ([1e-9, 2e-9, 3e-9, 4e-9], 4), ([123.5, -77.25, 0.0, 1e3], 2), ([0.0, 0.0, 0.0, 1.0], 1),
    ]
    for rewards, G in edge_sets:
        lengths = [rng.randint(1, 50) for _ in rewards]
        for est in ESTIMATORS:
            uses_len = est in ('opo', 'reinforce_baseline')
            for options in ({'estimator': est}, {'estimator': est, 'singleton': 'raw'}, {'estimator': est, 'missing': 'zero'},
                            {'estimator': est, 'preset': 'verl'}, {'estimator': est, 'preset': 'trl'},
                            {'estimator': est, 'preset': 'openrlhf'}):
                add(f'edge-{est}', rewards, {'groupSize': G}, options, lengths if uses_len else None)

    # Lengths: without lengths (reinforce_baseline whitens over rollouts), zero lengths, all-zero groups (opo).
    for rep in range(4):
        sizes = [4] * rng.randint(2, 5)
        rewards = make_rewards(rng, sizes, 'srl', p_equal=0.25)
        add('whiten-no-lengths', rewards, {'groupSize': 4}, {'estimator': 'reinforce_baseline'})
        add('whiten-no-lengths', rewards, {'groupSize': 4}, {'estimator': 'reinforce_baseline', 'preset': 'openrlhf'})
        lengths = random_lengths(len(rewards), allow_zero=True)
        for g in range(0, len(rewards), 4):
            if rng.random() < 0.3:
                lengths[g:g + 4] = [0, 0, 0, 0]
        add('zero-lengths', rewards, {'groupSize': 4}, {'estimator': 'opo'}, lengths)
        add('zero-lengths', rewards, {'groupSize': 4}, {'estimator': 'reinforce_baseline'}, lengths)
    return inputs, cases


def build_stats_cases(rng):
    cases = []
    for rep in range(60):
        kind = KINDS[rep % len(KINDS)]
        if rep % 3 == 0:
            sizes = [rng.randint(1, 7) for _ in range(rng.randint(1, 6))]
            flat = make_rewards(rng, sizes, kind, p_missing=0.2, p_empty=0.1)
            order, ids = shuffled_ids(rng, sizes)
            rewards = [flat[j] for j in order]
            grouping = {'groupIds': ids}
            groups = groups_from_ids(ids)
            gid = [ids[g[0]] for g in groups]
        else:
            G = rng.choice([1, 2, 3, 4, 8])
            rewards = make_rewards(rng, [G] * rng.randint(1, 6), kind, p_missing=0.15 if rep % 2 else 0.0, p_empty=0.1)
            grouping = {'groupSize': G}
            groups = contiguous(len(rewards), G)
            gid = list(range(len(groups)))
        stats = []
        for g, members in zip(gid, groups):
            r = [rewards[i] for i in members if rewards[i] is not None]
            if not r:
                stats.append(dict(id=g, size=len(members), count=0, mean=None, std=None, sampleStd=None, min=None, max=None))
                continue
            stats.append(dict(id=g, size=len(members), count=len(r), mean=f_mean(r), std=f_std(r, False),
                              sampleStd=f_std(r, True) if len(r) >= 2 else None, min=min(r), max=max(r)))
        case = {'id': f'stats-{rep + 1}', 'rewards': rewards}
        case.update(grouping)
        case['expected'] = stats
        cases.append(case)
    return cases


def build_filter_cases(rng):
    cases = []
    variants = [
        {},
        {'minStd': 0.05},  # the SRL paper's rule with an epsilon
        {'minStd': 0.1, 'std': 'sample'},
        {'keepSingletons': False},
        {'rule': 'range'},
        {'rule': 'range', 'range': [0.2, 0.8]},
    ]
    for rep in range(50):
        kind = KINDS[rep % len(KINDS)]
        G = rng.choice([1, 2, 4, 8, 8, 16])
        rewards = make_rewards(rng, [G] * rng.randint(1, 10), kind, p_equal=0.35,
                               p_missing=0.1 if rep % 5 == 4 else 0.0, p_empty=0.05 if rep % 5 == 4 else 0.0)
        groups = contiguous(len(rewards), G)
        present = [[rewards[i] for i in g if rewards[i] is not None] for g in groups]
        has_missing = any(r is None for r in rewards)
        decisions = []
        for options in variants:
            rule = options.get('rule', 'std')
            keep = []
            for r in present:
                if not r:
                    keep.append(False)
                elif rule == 'range':
                    lo, hi = options.get('range', [0.0, 1.0])
                    keep.append(lo < f_mean(r) < hi)
                elif len(r) == 1:
                    keep.append(options.get('keepSingletons', True))
                else:
                    keep.append(f_std(r, options.get('std', 'population') == 'sample') > options.get('minStd', 0.0))
            decision = {'options': options, 'keep': keep}
            if not has_missing:
                if options == {}:
                    if verl_filter_groups(rewards, groups) != keep:
                        raise SystemExit(f'filter {rep}: verl filter_groups disagrees')
                    decision['checkedAgainst'] = 'verl DAPO filter_groups'
                elif rule == 'range':
                    lo, hi = options.get('range', [0.0, 1.0])
                    if openrlhf_filter(rewards, G, lo, hi) != keep:
                        raise SystemExit(f'filter {rep}: OpenRLHF dynamic filtering disagrees')
                    decision['checkedAgainst'] = 'openrlhf dynamic filtering'
            decisions.append(decision)
        cases.append({'id': f'filter-{rep + 1}', 'rewards': rewards, 'groupSize': G, 'decisions': decisions})
    return cases


def dumps(value):
    return json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(',', ':'))


def write(name, payload):
    """JSON with one array element per line, so that a regenerated file diffs readably."""
    OUT.mkdir(parents=True, exist_ok=True)
    parts = []
    for key, value in payload.items():
        if isinstance(value, list):
            body = ',\n'.join(dumps(v) for v in value)
            parts.append(f'{dumps(key)}:[\n{body}\n]')
        else:
            parts.append(f'{dumps(key)}:{dumps(value)}')
    (OUT / name).write_text('{' + ',\n'.join(parts) + '}\n', encoding='utf-8')
    return len(payload['cases'])


def main():
    rng = random.Random(SEED)
    header = {'generator': 'scripts/gen_advantage_fixtures.py', 'seed': SEED, 'tolerance': TOL}
    inputs, cases = build_advantage_cases(rng)
    a = write('advantages.json', dict(header, inputs=inputs, cases=cases))
    s = write('group-stats.json', dict(header, cases=build_stats_cases(rng)))
    f = write('filter.json', dict(header, cases=build_filter_cases(rng)))
    print(f'advantages.json: {a} cases, group-stats.json: {s} cases, filter.json: {f} cases ({f * 6} decisions)')


if __name__ == '__main__':
    main()

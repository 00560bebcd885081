#!/usr/bin/env python3
"""PyTorch reference timings for bench/ops.ts and bench/ops-gpu.ts (same cases, same sizes).

Cases (float32, eager mode, as verl computes them):
  ppo     PPO clipped loss with dual clip (verl compute_policy_loss_vanilla: log-ratio clamped
          to [-20, 20], clip 0.2 / 0.2, clip_ratio_c 3), token-mean over the mask, forward +
          backward w.r.t. logProbs, on B x T = 1024 x 8192 tokens (4 inputs: logProbs,
          oldLogProbs, per-token advantages, mask)
  logits  log-softmax + gather of the sampled ids, forward + backward w.r.t. the logits
          (verl logprobs_from_logits, naive path), summed, on N x V = 2048 x 32000 logits
plus, as the memory floor, a copy of the same input bytes on the same device.

Each case: one warm-up round, then R timed rounds; on CUDA a round ends with
torch.cuda.synchronize() (and `+ gradient to host` also copies the gradient to host memory).
Medians, min, max, in milliseconds. Prints a table and writes JSON to $OUT/ops-torch.json
(or ./ops-torch.json).

Usage: python3 bench/ops_torch.py [--device cuda|cpu|both] [--rounds 20] [--quick] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

try:
    import torch
except ImportError:  # pragma: no cover - the GPU machine has torch
    print('ops_torch.py: PyTorch is not installed', file=sys.stderr)
    sys.exit(1)

FULL = {'ppo': (1024, 8192), 'logits': (2048, 32000)}
QUICK = {'ppo': (128, 1024), 'logits': (256, 4000)}


def sync(device: str) -> None:
    if device == 'cuda':
        torch.cuda.synchronize()


def measure(device: str, rounds: int, fn) -> dict:
    fn()
    sync(device)
    times = []
    for _ in range(rounds):
        sync(device)
        start = time.perf_counter()
        fn()
        sync(device)
        times.append((time.perf_counter() - start) * 1e3)
    return {'medianMs': statistics.median(times), 'minMs': min(times), 'maxMs': max(times), 'rounds': rounds}


def ppo_inputs(B: int, T: int, device: str):
    g = torch.Generator(device='cpu').manual_seed(1)
    lengths = (T // 4 + torch.rand(B, generator=g) * (T - T // 4)).ceil().long()
    mask = (torch.arange(T)[None, :] < lengths[:, None]).float()
    old = -0.01 - torch.rand(B, T, generator=g) * 6
    logp = torch.clamp(old + 0.1 * torch.randn(B, T, generator=g), max=0.0)
    adv = torch.randn(B, 1, generator=g).expand(B, T).contiguous()
    return [t.to(device) for t in (logp, old, adv, mask)]


def ppo_loss(logp, old, adv, mask, clip_low=0.2, clip_high=0.2, clip_c=3.0):
    negative_approx_kl = torch.clamp(logp - old, min=-20.0, max=20.0)
    ratio = torch.exp(negative_approx_kl)
    pg_losses1 = -adv * ratio
    pg_losses2 = -adv * torch.clamp(ratio, 1 - clip_low, 1 + clip_high)
    clip_pg_losses1 = torch.maximum(pg_losses1, pg_losses2)
    pg_losses3 = -adv * clip_c
    clip_pg_losses2 = torch.min(pg_losses3, clip_pg_losses1)
    pg_losses = torch.where(adv < 0, clip_pg_losses2, clip_pg_losses1)
    return (pg_losses * mask).sum() / mask.sum().clamp(min=1)


def bench_device(device: str, sizes: dict, rounds: int) -> list:
    out = []

    def add(case, impl, shape, result):
        row = {'device': device, 'case': case, 'impl': impl, 'shape': list(shape), **result}
        out.append(row)
        print(f"  {case:<6} {impl:<34} {result['medianMs']:10.3f} ms  (min {result['minMs']:.3f}, max {result['maxMs']:.3f})")

    B, T = sizes['ppo']
    logp, old, adv, mask = ppo_inputs(B, T, device)
    copies = [torch.empty_like(t) for t in (logp, old, adv, mask)]

    def copy_ppo():
        for dst, src in zip(copies, (logp, old, adv, mask)):
            dst.copy_(src)

    add('ppo', 'floor: copy of the 4 inputs', (B, T), measure(device, rounds, copy_ppo))
    x = logp.clone().requires_grad_(True)

    def ppo_round():
        x.grad = None
        ppo_loss(x, old, adv, mask).backward()

    add('ppo', 'eager forward + backward', (B, T), measure(device, rounds, ppo_round))
    if device == 'cuda':
        def ppo_host():
            ppo_round()
            x.grad.cpu()
        add('ppo', 'eager + gradient to host', (B, T), measure(device, rounds, ppo_host))
    del logp, old, adv, mask, copies, x

    N, V = sizes['logits']
    g = torch.Generator(device='cpu').manual_seed(2)
    logits = (2 * torch.randn(N, V, generator=g)).to(device)
    ids = torch.randint(0, V, (N,), generator=g).to(device)
    dst = torch.empty_like(logits)
    add('logits', 'floor: copy of the logits', (N, V), measure(device, rounds, lambda: dst.copy_(logits)))
    z = logits.clone().requires_grad_(True)

    def logits_round():
        z.grad = None
        logp = torch.log_softmax(z, dim=-1).gather(-1, ids[:, None]).squeeze(-1)
        logp.sum().backward()

    add('logits', 'eager forward + backward', (N, V), measure(device, rounds, logits_round))
    if device == 'cuda':
        def logits_host():
            logits_round()
            z.grad.cpu()
        add('logits', 'eager + gradient to host', (N, V), measure(device, rounds, logits_host))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--device', choices=['cuda', 'cpu', 'both'], default='both')
    ap.add_argument('--rounds', type=int, default=20)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--threads', type=int, default=0, help='torch CPU threads (default: torch default)')
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    sizes = QUICK if args.quick else FULL
    devices = ['cuda', 'cpu'] if args.device == 'both' else [args.device]
    if 'cuda' in devices and not torch.cuda.is_available():
        print('ops_torch.py: no CUDA device, skipping cuda')
        devices = [d for d in devices if d != 'cuda']
    info = {
        'python': platform.python_version(),
        'torch': torch.__version__,
        'cpu': platform.processor() or platform.machine(),
        'cpuThreads': torch.get_num_threads(),
        'gpu': torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    print(f"torch {info['torch']}, gpu {info['gpu']}, cpu threads {info['cpuThreads']}")
    results = []
    for device in devices:
        rounds = args.rounds if device == 'cuda' else max(3, args.rounds // 4)
        print(f'{device} ({rounds} rounds)')
        results.extend(bench_device(device, sizes, rounds))
    out_dir = os.environ.get('OUT', '.')
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, 'ops-torch.json')
    with open(path, 'w', encoding='utf-8') as f:
        json.dump({'machine': info, 'sizes': sizes, 'results': results}, f, indent=2)
    print(f'wrote {path}')


if __name__ == '__main__':
    main()

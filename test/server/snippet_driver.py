"""Runs the Python blocks of docs/server.md "## Ready snippets" the way each trainer calls them.

Usage: python3 snippet_driver.py MODE < input.json, where input is
{"blocks": [python source, ...], "outputs": [str, ...], "targets": [str, ...]} and MODE is
trl | verl | verl-batch | chunked. The blocks are exec'd in one namespace (as if pasted into one file),
then the trainer-facing function is called as the trainer calls it. Prints one JSON object:
the rewards of each call and the Python types returned, or {"error": "Type: message"}.
Standard library only.
"""
import json
import sys


class TrainerState:
    """Stands in for transformers' TrainerState, which TRL passes as trainer_state=."""

    global_step = 3


def types_of(values):
    return {"container": type(values).__name__, "items": sorted({type(v).__name__ for v in values})}


def trl(ns, outputs, targets):
    # GRPOTrainer._calculate_rewards: reward_func(prompts=, completions=, completion_ids=, **reward_kwargs),
    # reward_kwargs = every dataset column but prompt/completion/completion_ids, plus trainer_state.
    f = ns["srl_reward"]
    n = len(outputs)
    columns = {
        "completion_ids": [[1000 + i, 7, 2] for i in range(n)],
        "trainer_state": TrainerState(),
        "expert_step": list(targets),
        "task_id": [f"task-{i}" for i in range(n)],
    }
    plain = f(prompts=[f"Step {i}: what next?" for i in range(n)], completions=list(outputs), **columns)
    conversational = f(
        prompts=[[{"role": "user", "content": f"Step {i}: what next?"}] for i in range(n)],
        completions=[[{"role": "assistant", "content": o}] for o in outputs],
        **columns,
    )
    return {
        "plain": plain,
        "conversational": conversational,
        "types": [types_of(plain), types_of(conversational)],
    }


def verl(ns, outputs, targets):
    # NaiveRewardManager: compute_score(data_source=, solution_str=, ground_truth=, extra_info=), wrapped by
    # get_custom_reward_fn so that custom_reward_function.reward_kwargs are passed as extra keywords.
    f = ns["compute_score"]
    extra = {"num_turns": None, "rollout_reward_scores": {}}
    keyword = [
        f(data_source="srl", solution_str=o, ground_truth=t, extra_info=dict(extra)) for o, t in zip(outputs, targets)
    ]
    positional = [f("srl", o, t) for o, t in zip(outputs, targets)]
    with_reward_kwargs = [
        f(data_source="srl", solution_str=o, ground_truth=t, extra_info=None, some_reward_kwarg=0.5)
        for o, t in zip(outputs, targets)
    ]
    return {
        "keyword": keyword,
        "positional": positional,
        "with_reward_kwargs": with_reward_kwargs,
        "types": [types_of(keyword), types_of(positional), types_of(with_reward_kwargs)],
    }


def verl_batch(ns, outputs, targets):
    # BatchRewardManager.verify: compute_score(data_sources=, solution_strs=, ground_truths=, extra_infos=,
    # **reward_kwargs); data_sources and extra_infos come from numpy object arrays there, so pass tuples here.
    f = ns["compute_score_batch"]
    n = len(outputs)
    scores = f(
        data_sources=("srl",) * n,
        solution_strs=list(outputs),
        ground_truths=list(targets),
        extra_infos=tuple({"rollout_reward_scores": {}} for _ in range(n)),
    )
    return {"batch": scores, "types": [types_of(scores)]}


def chunked(ns, outputs, targets):
    # The client function itself, forced to split the batch: 2 items per request, and a byte
    # budget that only a single item fits in.
    f = ns["srl_rewards"]
    by_items = f(list(outputs), list(targets), max_items=2)
    by_bytes = f(list(outputs), list(targets), max_bytes=1)
    return {"by_items": by_items, "by_bytes": by_bytes, "types": [types_of(by_items), types_of(by_bytes)]}


CALLS = {"trl": trl, "verl": verl, "verl-batch": verl_batch, "chunked": chunked}


def main():
    mode = sys.argv[1]
    spec = json.load(sys.stdin)
    ns = {"__name__": "srl_reward"}
    for i, code in enumerate(spec["blocks"]):
        exec(compile(code, f"<docs/server.md python block {i}>", "exec"), ns)
    try:
        result = CALLS[mode](ns, spec["outputs"], spec["targets"])
    except Exception as e:  # noqa: BLE001 - reported to the test, which checks the message
        result = {"error": f"{type(e).__name__}: {e}"}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()

"""Posts to a reward server exactly as OpenRLHF's remote_rm_fn does (standard library only).

Usage: python3 openrlhf_client.py URL  (reads {"query", "prompts", "labels"} JSON on stdin,
prints the server's JSON reply on stdout).
"""
import json
import sys
import time
import urllib.request


def request_api_wrapper(url, data, score_key="rewards", try_max_times=5):
    headers = {"Content-Type": "application/json"}
    last = None
    for _ in range(try_max_times):
        try:
            req = urllib.request.Request(url, data=json.dumps(data).encode("utf-8"), headers=headers, method="POST")
            with urllib.request.urlopen(req, timeout=180) as resp:
                response = json.loads(resp.read().decode("utf-8"))
            assert score_key in response, f"{score_key} not in {response}"
            return response
        except Exception as e:  # noqa: BLE001 - mirrors OpenRLHF's retry loop
            last = e
            time.sleep(1)
    raise Exception(f"Request error for {try_max_times} times: {last}")


if __name__ == "__main__":
    payload = json.load(sys.stdin)
    reply = request_api_wrapper(sys.argv[1], {"query": payload["query"], "prompts": payload["prompts"], "labels": payload["labels"]})
    json.dump(reply, sys.stdout)

"""A reference OpenRLHF remote reward server in pure Python (standard library only).

The typical way such a server is written: http.server + difflib, one thread per
request. Used by bench/server.ts as the baseline. Usage: python3 server_reference.py PORT
"""
import difflib
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

THINK = re.compile(r"^\s*<think>(.*?)</think>(.*)$", re.S)


def step_reward(output, expert):
    m = THINK.match(output)
    if not m:
        return -1.0
    return difflib.SequenceMatcher(None, m.group(2).strip(), expert).ratio()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        rewards = [step_reward(q[len(p):], l) for q, p, l in zip(body["query"], body["prompts"], body["labels"])]
        data = json.dumps({"rewards": rewards, "scores": rewards, "extra_logs": {}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()

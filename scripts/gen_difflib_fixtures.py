#!/usr/bin/env python3
"""Generate reference fixtures for srl-kit's TypeScript port of difflib.

srl-kit ships an exact TypeScript port of CPython's ``difflib.SequenceMatcher``
and step-wise similarity rewards built on it.  The TypeScript test-suite must
run without Python, so this script records what CPython's *real* difflib
returns for a large, deterministic set of inputs and writes it to gzip'd JSON
lines files that the tests read.

Files written (paths relative to the repository root):

``test/fixtures/difflib/cases.jsonl.gz``
    ~22,000 SequenceMatcher cases: ratio, quick_ratio, real_quick_ratio,
    matching blocks, opcodes, grouped opcodes, bjunk, bpopular and a few
    ``find_longest_match`` calls on random sub-ranges.  Inputs cover empty,
    identical, tiny/tie-heavy, mid-length ASCII, the autojunk threshold
    (len(b) 199/200/201 ...), long repetitive strings, non-ASCII / astral /
    combining / lone-surrogate strings, token lists (ints, words, lines,
    mixed str/int), ``isjunk`` predicates, ``autojunk=False`` and real text
    from the shared trajectory data.

``test/fixtures/reward/pairs.jsonl.gz``
    ~2,000 realistic step-reward cases (expert step vs. edited model action
    wrapped in a ``<think>...</think>`` output) with the char / word / LCS
    similarities computed in Python.

``test/fixtures/reward/pywhitespace.json``
    Every code point for which ``str.isspace()`` is true; ``str.split()`` and
    ``str.strip()`` use this set, and it differs from JavaScript's ``\\s``.

Everything is deterministic: a fixed ``random.Random`` seed, no reliance on
set/dict hash order, and gzip streams written with ``mtime=0`` and no file
name, so rerunning produces byte-identical files.  Real text is read from
``../shared/data/trajectories`` relative to the repository root.

Run with ``npm run fixtures:difflib`` (``python3 scripts/gen_difflib_fixtures.py``).
Standard library only.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import random
import re
import string
import sys
import time
import unicodedata
from pathlib import Path

SEED = 20250117

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / '..' / 'shared' / 'data' / 'trajectories'
OUT_CASES = ROOT / 'test' / 'fixtures' / 'difflib' / 'cases.jsonl.gz'
OUT_PAIRS = ROOT / 'test' / 'fixtures' / 'reward' / 'pairs.jsonl.gz'
OUT_WS = ROOT / 'test' / 'fixtures' / 'reward' / 'pywhitespace.json'

# ---------------------------------------------------------------------------
# isjunk predicates (the TypeScript test defines the same ones by name)
# ---------------------------------------------------------------------------


def junk_space(x):
    return x == " "


def junk_whitespace(x):
    return x in (" ", "\t", "\n")


def junk_vowel(x):
    return x in ("a", "e", "i", "o", "u")


def junk_hash(x):
    return x == "#"


def junk_even(x):
    return isinstance(x, int) and x % 2 == 0


def junk_stopword(x):
    return x in ("the", "a", "of", "to")


PREDICATES = {
    "space": junk_space,
    "whitespace": junk_whitespace,
    "vowel": junk_vowel,
    "hash": junk_hash,
    "even": junk_even,
    "stopword": junk_stopword,
}

# ---------------------------------------------------------------------------
# Helpers: JSON, surrogate rule, sorting
# ---------------------------------------------------------------------------

SURROGATE_PAIR_RE = re.compile('[\ud800-\udbff][\udc00-\udfff]')
ANY_SURROGATE_RE = re.compile('[\ud800-\udfff]')


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=True, separators=(',', ':'))


def check_strings(obj) -> None:
    """Assert that no str inside obj has a high surrogate directly followed by a
    low surrogate (JSON-escaped, JavaScript would read the two as one astral
    character), and that no bool/float sneaks into token lists."""
    if isinstance(obj, str):
        m = SURROGATE_PAIR_RE.search(obj)
        assert m is None, f'surrogate pair at {m.start()} in {obj!r:.80}'
    elif isinstance(obj, dict):
        for k, v in obj.items():
            check_strings(k)
            check_strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            check_strings(v)


def fix_surrogates(s: str, rng: random.Random) -> str:
    """Break every (high, low) surrogate adjacency by replacing the low one."""
    while True:
        m = SURROGATE_PAIR_RE.search(s)
        if m is None:
            return s
        i = m.start() + 1
        s = s[:i] + rng.choice('xyz\u00e9\u4e2d') + s[i + 1:]


def type_sorted(items):
    # Python's sorted() for homogeneous items; (type name, value) for mixes.
    items = list(items)
    kinds = {type(x).__name__ for x in items}
    if len(kinds) <= 1:
        return sorted(items)
    return sorted(items, key=lambda x: (type(x).__name__, x))


def enc_seq(seq):
    if isinstance(seq, str):
        return seq
    assert isinstance(seq, list)
    for t in seq:
        assert type(t) in (int, str), f'bad token {t!r}'
        if type(t) is int:
            assert -(2 ** 53) < t < 2 ** 53
    return {"tokens": seq}


def write_jsonl_gz(path: Path, lines) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'wb') as raw:
        with gzip.GzipFile(filename='', mode='wb', fileobj=raw, compresslevel=9, mtime=0) as gz:
            for line in lines:
                gz.write(line.encode('ascii'))
                gz.write(b'\n')


# ---------------------------------------------------------------------------
# Case construction
# ---------------------------------------------------------------------------

GROUP_NS = [3] * 6 + [0, 1, 2, 5]


class CaseWriter:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines: list[str] = []
        self.counts: dict[str, int] = {}

    def add(self, category, a, b, isjunk=None, autojunk=True):
        rng = self.rng
        assert type(a) is type(b), 'a and b must both be str or both token lists'
        if isjunk == 'even':
            assert isinstance(a, list) and all(type(t) is int for t in a + b)
        fn = PREDICATES[isjunk] if isjunk else None
        sm = difflib.SequenceMatcher(fn, a, b, autojunk=autojunk)
        matching = [list(m) for m in sm.get_matching_blocks()]
        # Copy opcodes *before* get_grouped_opcodes: CPython's
        # get_grouped_opcodes mutates the cached opcodes list in place.
        opcodes = [list(o) for o in sm.get_opcodes()]
        ratio = sm.ratio()
        quick = sm.quick_ratio()
        real_quick = sm.real_quick_ratio()
        n = rng.choice(GROUP_NS)
        groups = [[list(o) for o in g] for g in sm.get_grouped_opcodes(n)]
        bjunk = type_sorted(sm.bjunk)
        bpopular = type_sorted(sm.bpopular)
        la, lb = len(a), len(b)
        longest = []
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            r = rng.random()
            if r < 0.15:
                alo, ahi, blo, bhi = 0, la, 0, lb
            elif r < 0.25:  # an empty range on one side
                alo, ahi = sorted((rng.randint(0, la), rng.randint(0, la)))
                blo, bhi = sorted((rng.randint(0, lb), rng.randint(0, lb)))
                if rng.random() < 0.5:
                    ahi = alo
                else:
                    bhi = blo
            else:
                alo, ahi = sorted((rng.randint(0, la), rng.randint(0, la)))
                blo, bhi = sorted((rng.randint(0, lb), rng.randint(0, lb)))
            assert 0 <= alo <= ahi <= la and 0 <= blo <= bhi <= lb
            m = sm.find_longest_match(alo, ahi, blo, bhi)
            longest.append([alo, ahi, blo, bhi, m.a, m.b, m.size])
        idx = self.counts.get(category, 0)
        self.counts[category] = idx + 1
        obj = {
            "id": f"{category}-{idx}",
            "category": category,
            "a": enc_seq(a),
            "b": enc_seq(b),
            "isjunk": isjunk,
            "autojunk": autojunk,
            "ratio": ratio,
            "quick_ratio": quick,
            "real_quick_ratio": real_quick,
            "matching_blocks": matching,
            "opcodes": opcodes,
            "grouped": {"n": n, "groups": groups},
            "bjunk": bjunk,
            "bpopular": bpopular,
            "longest": longest,
        }
        check_strings(obj)
        self.lines.append(dumps(obj))


# ---------------------------------------------------------------------------
# Generic sequence edits
# ---------------------------------------------------------------------------


def mutate(seq, rate, rng, alphabet):
    """Random per-element delete / substitute / insert at the given rate."""
    out = []
    if alphabet and rng.random() < rate:
        out.append(rng.choice(alphabet))
    for x in seq:
        r = rng.random()
        if r >= rate or not alphabet:
            out.append(x)
        elif r < rate / 3:
            pass
        elif r < 2 * rate / 3:
            out.append(rng.choice(alphabet))
        else:
            out.append(x)
            out.append(rng.choice(alphabet))
    return ''.join(out) if isinstance(seq, str) else out


def block_edit(seq, rng):
    """Move, duplicate, delete or reverse one random block."""
    n = len(seq)
    if n < 2:
        return seq
    i, j = sorted(rng.sample(range(n + 1), 2))
    block = seq[i:j]
    rest = seq[:i] + seq[j:]
    op = rng.randrange(4)
    if op == 0:  # move
        k = rng.randint(0, len(rest))
        return rest[:k] + block + rest[k:]
    if op == 1:  # duplicate
        k = rng.randint(0, n)
        return seq[:k] + block + seq[k:]
    if op == 2:  # delete
        return rest
    return seq[:i] + block[::-1] + seq[j:]


def seq_variant(seq, rng, alphabet):
    """A related sequence: mutations and/or block edits (or identical)."""
    r = rng.random()
    if r < 0.05:
        return seq[:] if isinstance(seq, list) else seq
    if r < 0.55:
        return mutate(seq, rng.choice([0.02, 0.05, 0.1, 0.2, 0.35, 0.6]), rng, alphabet)
    if r < 0.8:
        return block_edit(seq, rng)
    return mutate(block_edit(seq, rng), rng.choice([0.05, 0.15]), rng, alphabet)


# ---------------------------------------------------------------------------
# Text edits (real data)
# ---------------------------------------------------------------------------

WORD_SPLIT_RE = re.compile(r'(\s+)')
TEXT_ALPHABET = list(string.ascii_letters + string.digits + ' .,;:!?()[]{}=+-*/_"\'\n')


def edit_words(s, rng, vocab, kind):
    parts = WORD_SPLIT_RE.split(s)
    widx = [i for i, p in enumerate(parts) if p and not p.isspace()]
    if not widx:
        return s
    k = max(1, int(len(widx) * rng.choice([0.02, 0.05, 0.1, 0.25])))
    for _ in range(k):
        i = rng.choice(widx)
        if kind == 'swap':
            pos = widx.index(i)
            if pos + 1 < len(widx):
                j = widx[pos + 1]
                parts[i], parts[j] = parts[j], parts[i]
        elif kind == 'delete':
            parts[i] = ''
        elif kind == 'replace':
            parts[i] = rng.choice(vocab)
        elif kind == 'duplicate':
            parts[i] = parts[i] + ' ' + parts[i]
        elif kind == 'case':
            parts[i] = parts[i].swapcase()
    return ''.join(parts)


def drop_lines(s, rng):
    lines = s.splitlines(keepends=True)
    if len(lines) < 2:
        return edit_words(s, rng, ['x'], 'delete')
    k = max(1, int(len(lines) * rng.choice([0.1, 0.2, 0.4])))
    drop = set(rng.sample(range(len(lines)), min(k, len(lines) - 1)))
    return ''.join(l for i, l in enumerate(lines) if i not in drop)


def shuffle_lines(s, rng):
    lines = s.splitlines(keepends=True)
    if lines and not lines[-1].endswith('\n'):
        lines[-1] += '\n'
    rng.shuffle(lines)
    return ''.join(lines)


def truncate(s, rng):
    if not s:
        return s
    r = rng.random()
    k = rng.randint(0, len(s))
    if r < 0.5:
        return s[:k]
    if r < 0.8:
        return s[k:]
    j = rng.randint(k, len(s))
    return s[:k] + s[j:]


def change_digits(s, rng):
    p = rng.choice([0.1, 0.3, 0.7])
    return ''.join(rng.choice(string.digits) if c.isdigit() and rng.random() < p else c for c in s)


EDIT_OPS = ['chars', 'chars', 'chars', 'chars', 'swap', 'delete_words', 'replace_words',
            'duplicate_words', 'case', 'lines', 'shuffle_lines', 'truncate', 'digits',
            'block', 'unrelated', 'identical', 'combo', 'combo']


def edit_text(s, rng, pool, vocab, op=None):
    """Return (edited copy of s, op name)."""
    op = op or rng.choice(EDIT_OPS)
    if op == 'chars':
        rate = rng.choice([0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4])
        local = list(dict.fromkeys(s)) or ['x']
        alphabet = local + TEXT_ALPHABET
        return mutate(s, rate, rng, alphabet), op
    if op == 'swap':
        return edit_words(s, rng, vocab, 'swap'), op
    if op == 'delete_words':
        return edit_words(s, rng, vocab, 'delete'), op
    if op == 'replace_words':
        return edit_words(s, rng, vocab, 'replace'), op
    if op == 'duplicate_words':
        return edit_words(s, rng, vocab, 'duplicate'), op
    if op == 'case':
        return edit_words(s, rng, vocab, 'case'), op
    if op == 'lines':
        return drop_lines(s, rng), op
    if op == 'shuffle_lines':
        return shuffle_lines(s, rng), op
    if op == 'truncate':
        return truncate(s, rng), op
    if op == 'digits':
        return change_digits(s, rng), op
    if op == 'block':
        return block_edit(s, rng), op
    if op == 'unrelated':
        return rng.choice(pool), op
    if op == 'identical':
        return s, op
    t = s
    for _ in range(2):
        t, _ = edit_text(t, rng, pool, vocab,
                         rng.choice(['chars', 'swap', 'delete_words', 'replace_words', 'lines',
                                     'truncate', 'digits', 'block']))
    return t, 'combo'


def edit_changed(s, rng, pool, vocab):
    """Like edit_text but retries (a few times) until the copy differs from s."""
    t, op = s, 'identical'
    for _ in range(6):
        t, op = edit_text(s, rng, pool, vocab, rng.choice([o for o in EDIT_OPS if o != 'identical']))
        if t != s:
            break
    return t, op


# ---------------------------------------------------------------------------
# Real data loading
# ---------------------------------------------------------------------------


def read_jsonl(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def trim_lines(s, limit, rng):
    """A window of whole lines of s of at most `limit` chars (hard cut if needed)."""
    if len(s) <= limit:
        return s
    lines = s.splitlines(keepends=True)
    start = rng.randrange(len(lines))
    out = ''
    for line in lines[start:]:
        if len(out) + len(line) > limit:
            break
        out += line
    if not out:
        k = rng.randint(0, len(s) - limit)
        out = s[k:k + limit]
    return out


def chunk_paragraphs(paras, rng, target):
    """Consecutive paragraphs joined by blank lines, at most `target` chars."""
    start = rng.randrange(len(paras))
    out = paras[start][:target]
    for p in paras[start + 1:]:
        if len(out) + 2 + len(p) > target:
            break
        out += '\n\n' + p
    return out


class RealData:
    def __init__(self):
        m = DATA / 'math'
        a = DATA / 'agent'
        c = DATA / 'chat'
        gsm = read_jsonl(m / 'gsm8k_test.jsonl')
        self.gsm_answers = [r['answer'] for r in gsm]
        self.gsm_questions = [r['question'] for r in gsm]
        self.gsm_lines = [l for ans in self.gsm_answers for l in ans.split('\n') if l.strip()]

        sky = read_jsonl(m / 'skythought_Sky-T1-32B-ckpt140_aime24_outputs.jsonl')
        self.sky_docs = []      # list of paragraph lists (thoughts, solutions)
        self.sky_thought_paras = []
        self.sky_solution_paras = []
        for r in sky:
            out = r['code'][0]
            thought, _, sol = out.partition('<|end_of_thought|>')
            thought = thought.replace('<|begin_of_thought|>', '')
            sol = sol.replace('<|begin_of_solution|>', '').replace('<|end_of_solution|>', '')
            tp = [p.strip() for p in thought.split('\n\n') if p.strip()]
            sp = [p.strip() for p in sol.split('\n\n') if p.strip()]
            hp = [p.strip() for p in r['solution'].split('\n\n') if p.strip()]
            for ps in (tp, sp, hp):
                if ps:
                    self.sky_docs.append(ps)
            self.sky_thought_paras += tp
            self.sky_solution_paras += sp + hp

        traj = json.loads((a / 'sweagent_marshmallow-1867_thought_action.traj').read_text(encoding='utf-8'))
        self.swe_thoughts = [s['thought'].strip() for s in traj['trajectory'] if s['thought'].strip()]
        self.swe_actions = [s['action'].strip() for s in traj['trajectory'] if s['action'].strip()]
        self.swe_observations = [s['observation'] for s in traj['trajectory'] if s['observation'].strip()]
        self.swe_history = [h['content'] for h in traj['history']
                            if isinstance(h.get('content'), str) and h['content'].strip()]

        mini = json.loads((a / 'mini-swe-agent_github_issue.traj.json').read_text(encoding='utf-8'))
        self.mini_thoughts, self.mini_commands, self.mini_messages = [], [], []
        for msg in mini:
            content = msg['content']
            if not isinstance(content, str):
                continue
            self.mini_messages.append(content)
            if msg['role'] != 'assistant':
                continue
            mt = re.search(r'```mswea_bash_command\n(.*?)\n```', content, re.S)
            if mt:
                self.mini_commands.append(mt.group(1).strip())
                self.mini_thoughts.append(content[:mt.start()].strip())

        tau = json.loads((c / 'tau-bench_gpt-4o-airline_first10.json').read_text(encoding='utf-8'))
        self.tau_calls = []     # (name, args dict, rendered)
        self.tau_texts = []
        for rec in tau:
            for act in rec['info']['task']['actions']:
                args = act['kwargs']
                self.tau_calls.append((act['name'], args, render_call(act['name'], args)))
            for msg in rec['traj']:
                for tc in msg.get('tool_calls') or []:
                    fn = tc['function']
                    args = json.loads(fn['arguments'])
                    self.tau_calls.append((fn['name'], args, f"{fn['name']}({fn['arguments']})"))
                content = msg.get('content')
                if isinstance(content, str) and content.strip():
                    if msg['role'] == 'system':
                        self.tau_texts += [p for p in content.split('\n\n') if p.strip()]
                    else:
                        self.tau_texts.append(content)

        self.claude_texts = []
        for ev in read_jsonl(c / 'claude-code-log_representative_messages.jsonl'):
            msg = ev.get('message')
            if not isinstance(msg, dict):
                continue
            content = msg.get('content')
            if isinstance(content, str):
                self.claude_texts.append(content)
                continue
            for block in content or []:
                if block.get('type') == 'text' and block.get('text', '').strip():
                    self.claude_texts.append(block['text'])
                elif block.get('type') == 'tool_use':
                    self.claude_texts.append(render_call(block['name'], block.get('input', {})))

        words = []
        for s in self.gsm_answers[:300] + self.sky_thought_paras[:2000] + self.swe_thoughts + self.tau_texts:
            words += s.split()
        self.vocab = list(dict.fromkeys(words))
        self.agent_texts = (self.swe_thoughts + self.swe_actions + self.swe_observations + self.swe_history
                            + self.mini_thoughts + self.mini_commands + self.mini_messages + self.claude_texts)
        self.multiline = ([x for x in self.gsm_answers if '\n' in x] + [x for x in self.agent_texts if '\n' in x])

    def sky_chunk(self, rng, limit=3000):
        r = rng.random()
        target = rng.randint(40, 500) if r < 0.6 else rng.randint(500, 1500) if r < 0.9 else rng.randint(1500, limit)
        return chunk_paragraphs(rng.choice(self.sky_docs), rng, target)


def render_call(name, args):
    return f"{name}({json.dumps(args, separators=(',', ':'), ensure_ascii=False)})"


def tweak_call(name, args, rng, tools):
    """A plausible wrong tool call: change a name, drop/alter a value."""
    args = json.loads(json.dumps(args))
    r = rng.random()
    if r < 0.15:
        name = rng.choice(tools)
    elif r < 0.35 and isinstance(args, dict) and args:
        del args[rng.choice(list(args))]
    else:
        def alter(v):
            if isinstance(v, bool):
                return not v
            if isinstance(v, int):
                return v + rng.choice([-10, -1, 1, 7, 100])
            if isinstance(v, float):
                return round(v * 1.5, 2)
            if isinstance(v, str):
                return mutate(v, 0.3, rng, list(string.ascii_letters + string.digits)) or 'x'
            if isinstance(v, list) and v:
                v = list(v)
                i = rng.randrange(len(v))
                if rng.random() < 0.4:
                    del v[i]
                else:
                    v[i] = alter(v[i])
                return v
            if isinstance(v, dict) and v:
                v = dict(v)
                k = rng.choice(list(v))
                v[k] = alter(v[k])
                return v
            return v
        args = alter(args)
    return render_call(name, args)


# ---------------------------------------------------------------------------
# Category generators
# ---------------------------------------------------------------------------

LATIN_ACCENTS = list('àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿÀÉÎÕÜÇßœŒ')
CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 60)] + list('的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年')
CYRILLIC = [chr(c) for c in range(0x0410, 0x0450)]
GREEK = [chr(c) for c in range(0x0391, 0x03AA) if c != 0x03A2] + [chr(c) for c in range(0x03B1, 0x03CA)]
ARABIC = [chr(c) for c in range(0x0627, 0x064B)]
HEBREW = [chr(c) for c in range(0x05D0, 0x05EB)]
EMOJI = [chr(c) for c in range(0x1F600, 0x1F650)] + ['\U0001F680', '\U0001F44D', '\U0001F389', '\u2764', '\u2728']
MATH_ALNUM = [chr(c) for c in range(0x1D400, 0x1D434)]
ASTRAL_MISC = ['\U00010000', '\U0001F9D0', '\U00020000', '\U0002A6D6', '\U0010FFFF', '\U000E0041', '\U0001D11E']
COMBINING = [chr(c) for c in range(0x0300, 0x0370)]
HIGH_SURR = [chr(c) for c in (0xD800, 0xD801, 0xD83D, 0xDBFF, 0xDB40)]
LOW_SURR = [chr(c) for c in (0xDC00, 0xDC01, 0xDE00, 0xDFFF, 0xDD1E)]
BIG_POOL = ([chr(c) for c in range(0x21, 0x7F)] + [chr(c) for c in range(0xC0, 0x100)]
            + GREEK + CYRILLIC)
SCRIPT_WORDS = {
    'latin': ['café', 'naïve', 'résumé', 'über', 'jalapeño', 'façade', 'coöperate', 'Ærø', 'straße', 'crème'],
    'cyrillic': ['привет', 'мир', 'как', 'дела', 'хорошо', 'спасибо', 'да', 'нет', 'вода', 'книга'],
    'greek': ['γειά', 'σου', 'κόσμε', 'ναι', 'όχι', 'λόγος', 'αλφα', 'βήτα', 'πόλη', 'θάλασσα'],
    'cjk': ['你好', '世界', '中国', '学习', '数学', '问题', '答案', '日本語', '漢字', '東京'],
    'arabic': ['مرحبا', 'عالم', 'كتاب', 'سلام', 'شكرا', 'نعم', 'لا', 'ماء', 'بيت', 'قلم'],
    'hebrew': ['שלום', 'עולם', 'ספר', 'תודה', 'כן', 'לא', 'מים', 'בית'],
    'emoji': ['😀', '😂🤣', '👍🏽', '🇫🇷', '👨‍👩‍👧', '❤️', '🚀', '✨'],
    'math': ['𝐀𝐁𝐂', '𝐱', '𝐲𝐳', '∑', '∫', '𝔸', 'ℝ', '𝟙𝟚'],
}


def rand_str(rng, alphabet, lo, hi):
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def gen_exhaustive(w: CaseWriter):
    def all_strings(alpha, maxlen):
        out = ['']
        layer = ['']
        for _ in range(maxlen):
            layer = [s + c for s in layer for c in alpha]
            out += layer
        return out
    strs = all_strings('ab', 4)
    for a in strs:
        for b in strs:
            w.add('exhaustive', a, b)
    strs = all_strings('abc', 2)
    for a in strs:
        for b in strs:
            w.add('exhaustive', a, b)


def gen_empty(w: CaseWriter, rng, count):
    for i in range(count):
        kind = rng.random()
        other = rand_str(rng, 'ab #e', 0, 30) if rng.random() < 0.8 else rand_str(rng, 'xyz', 195, 260)
        if kind < 0.35:
            a, b = '', ''
        elif kind < 0.6:
            a, b = '', other
        elif kind < 0.85:
            a, b = other, ''
        else:
            toks = [rng.randint(0, 5) for _ in range(rng.randint(0, 250))]
            a, b = rng.choice([([], []), ([], toks), (toks, [])])
        isjunk = None
        if rng.random() < 0.2:
            isjunk = 'even' if isinstance(a, list) else rng.choice(['space', 'hash', 'vowel', 'whitespace'])
        w.add('empty', a, b, isjunk, rng.random() < 0.85)


def gen_identical(w: CaseWriter, rng, count, real: RealData):
    for i in range(count):
        r = rng.random()
        isjunk = None
        if r < 0.3:
            s = rand_str(rng, rng.choice(['a', 'ab', 'abc', string.ascii_lowercase]), 0, 40)
        elif r < 0.5:
            # long with popular elements: ratio < 1 with autojunk
            n = rng.randint(200, 700)
            base = rand_str(rng, rng.choice(['ab', 'abcde', 'aaaab', string.ascii_lowercase]), n, n)
            if rng.random() < 0.5:
                s = ''.join(c if rng.random() < 0.7 else rng.choice(BIG_POOL) for c in base)
            else:
                s = base
        elif r < 0.65:
            s = real.sky_chunk(rng, 1500)
        elif r < 0.8:
            n = rng.randint(0, 400)
            s = [rng.randint(0, rng.choice([1, 3, 10, 100, 1000])) for _ in range(n)]
        else:
            s = rng.choice(real.gsm_answers)
            isjunk = rng.choice([None, 'space', 'whitespace', 'hash', 'vowel'])
        w.add('identical', s, s[:] if isinstance(s, list) else s, isjunk, rng.random() < 0.85)


def gen_tiny(w: CaseWriter, rng, count):
    for i in range(count):
        alpha = rng.choice(['a', 'ab', 'abc', 'abcd', 'xy', 'ab ', 'a#b', 'aab'])
        a = rand_str(rng, alpha, 0, 12)
        if rng.random() < 0.4 and a:
            b = mutate(a, rng.choice([0.1, 0.3, 0.6]), rng, list(alpha))
        else:
            b = rand_str(rng, alpha, 0, 12)
        if rng.random() < 0.12:
            a, b = list(a), list(b)
        w.add('tiny', a, b)


def gen_ascii_mid(w: CaseWriter, rng, count):
    printable = [c for c in string.printable]
    for i in range(count):
        k = rng.choice([2, 3, 5, 8, 16, 26, 40, 62, 100])
        alpha = rng.sample(printable, min(k, len(printable)))
        a = rand_str(rng, alpha, 20, 150)
        if rng.random() < 0.55:
            b = seq_variant(a, rng, alpha)
        else:
            b = rand_str(rng, alpha, 20, 150)
        if rng.random() < 0.5:
            a, b = b, a
        w.add('ascii_mid', a, b, None, rng.random() < 0.95)


def build_threshold_seq(rng, n, pool):
    """n elements: some with counts exactly ntest / ntest+1 (just under / just
    over the popularity limit), some very frequent, the rest rare."""
    ntest = n // 100 + 1
    pool = list(pool)
    rng.shuffle(pool)
    out = []
    pi = 0
    for cnt in ([ntest] * rng.randint(0, 4) + [ntest + 1] * rng.randint(0, 4)
                + [rng.randint(ntest + 2, n // 6)] * rng.randint(0, 3)):
        if len(out) + cnt > n:
            break
        out += [pool[pi]] * cnt
        pi += 1
    rare = pool[pi:]
    while len(out) < n:
        out.append(rng.choice(rare))
    rng.shuffle(out)
    return out


def gen_autojunk_threshold(w: CaseWriter, rng, count):
    lengths = [199, 200, 201] * 3 + [299, 300, 301] + list(range(190, 261))
    int_pool = list(range(400))
    for i in range(count):
        n = lengths[i % 12] if i < count // 2 else rng.choice(lengths)
        use_tokens = rng.random() < 0.3
        pool = int_pool if use_tokens else BIG_POOL
        b = build_threshold_seq(rng, n, pool)
        if not use_tokens:
            b = ''.join(b)
        r = rng.random()
        if r < 0.5:
            a = seq_variant(b, rng, pool if use_tokens else BIG_POOL)
        elif r < 0.75:
            a = build_threshold_seq(rng, rng.randint(150, 260), pool)
            a = a if use_tokens else ''.join(a)
        else:
            a = b[:]
        swap = rng.random() < 0.15  # then b is whatever length a has
        if swap:
            a, b = b, a
        w.add('autojunk_threshold', a, b, None, rng.random() < 0.9)


def gen_repetitive(w: CaseWriter, rng, count):
    for i in range(count):
        r = rng.random()
        big = rng.random() < 0.1
        n = rng.randint(1500, 3000) if big else rng.randint(300, 1200)
        if r < 0.2:
            unit = rng.choice(['ab', 'abc', 'aab', 'xyzzy', 'ab '])
            a = (unit * (n // len(unit) + 1))[:n]
        elif r < 0.35:
            a = 'a' * rng.randint(0, n) + 'b' + 'a' * rng.randint(0, n // 2)
        elif r < 0.55:
            word = rng.choice(['the cat sat ', 'hello world ', 'x = x + 1; ', 'la '])
            a = (word * (n // len(word) + 1))[:n]
        elif r < 0.7:
            lines = [f'line {rng.randint(0, 3)}\n' for _ in range(n // 7)]
            a = ''.join(lines)
        elif r < 0.85:
            a = [rng.choice([0, 1]) for _ in range(n // 2)] if rng.random() < 0.5 else [1, 2] * (n // 4)
        else:
            a = rand_str(rng, 'ab', n, n)
        alpha = list(dict.fromkeys(a)) + (['q', 'z'] if isinstance(a, str) else [7, 8])
        s = rng.random()
        if s < 0.35:
            b = mutate(a, rng.choice([0.002, 0.01, 0.05]), rng, alpha)
        elif s < 0.55:
            b = block_edit(a, rng)
        elif s < 0.8:  # short b (<200) so autojunk never applies: many equal-length ties
            k = rng.randint(1, 199)
            j = rng.randint(0, max(0, len(a) - k))
            b = mutate(a[j:j + k], 0.05, rng, alpha)
        else:
            b = a[::-1] if rng.random() < 0.5 else a[len(a) // 3:] + a[:len(a) // 3]
        if rng.random() < 0.2:
            a, b = b, a
        autojunk = rng.random() < 0.5
        if not autojunk and len(a) * len(b) > 1_500_000:
            b = b[:max(1, 1_500_000 // max(1, len(a)))]
        w.add('repetitive', a, b, None, autojunk)


def script_text(rng, scripts, nwords):
    words = []
    for _ in range(nwords):
        words.append(rng.choice(SCRIPT_WORDS[rng.choice(scripts)]))
    sep = rng.choice([' ', ' ', '', '\u3000', ', '])
    return sep.join(words)


def gen_unicode(w: CaseWriter, rng, count):
    scripts = list(SCRIPT_WORDS)
    for i in range(count):
        r = rng.random()
        if r < 0.5:
            chosen = rng.sample(scripts, rng.randint(1, 3))
            a = script_text(rng, chosen, rng.randint(0, 40))
            b = script_text(rng, chosen, rng.randint(0, 40)) if rng.random() < 0.3 else \
                edit_words(mutate(a, 0.05, rng, list(a) or ['x']), rng, SCRIPT_WORDS[chosen[0]], 'replace')
        else:
            alpha = rng.choice([LATIN_ACCENTS, CJK, CYRILLIC, GREEK, ARABIC, HEBREW,
                                LATIN_ACCENTS + list('aeiou '), CJK[:8] + CYRILLIC[:8] + GREEK[:8]])
            alpha = rng.sample(alpha, min(len(alpha), rng.choice([3, 8, 20, 60])))
            a = rand_str(rng, alpha, 0, rng.choice([30, 150, 300]))
            b = seq_variant(a, rng, alpha) if rng.random() < 0.6 else rand_str(rng, alpha, 0, 150)
        w.add('unicode', a, b, None, rng.random() < 0.9)


def gen_astral(w: CaseWriter, rng, count):
    for i in range(count):
        alpha = (rng.sample(EMOJI, rng.randint(1, 10)) + rng.sample(MATH_ALNUM, rng.randint(0, 6))
                 + rng.sample(ASTRAL_MISC, rng.randint(0, 3))
                 + rng.sample(list('abc \u00e9\u4e2d\uffff\ufffd'), rng.randint(0, 5)))
        n = rng.choice([10, 40, 120, 260])
        a = rand_str(rng, alpha, 0, n)
        r = rng.random()
        if r < 0.6:
            b = seq_variant(a, rng, alpha)
        elif r < 0.8:
            b = rand_str(rng, alpha, 0, n)
        else:  # the emoji sentence style
            a = script_text(rng, ['emoji', 'math', 'latin'], rng.randint(1, 30))
            b = mutate(a, 0.1, rng, alpha)
        w.add('astral', a, b, None, rng.random() < 0.9)


def gen_combining(w: CaseWriter, rng, count, real: RealData):
    pool = ['e\u0301', '\u00e9', 'a\u0308', '\u00e4', 'n\u0303', '\u00f1', 'o\u0302\u0323', '\u1ed9',
            '\u212b', '\u00c5', 'A\u030a', 'e', 'a', 'n', ' ', 'x\u0336\u0336', 'Z\u0351\u0330\u036b',
            '\u1100\u1161\u11a8', '\uac01', '\ufb01', 'fi', 'k', '\u212a']
    for i in range(count):
        r = rng.random()
        if r < 0.4:
            base = ''.join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
            form_a, form_b = rng.sample(['NFC', 'NFD', 'NFKC', 'NFKD', None], 2)
            a = unicodedata.normalize(form_a, base) if form_a else base
            b = unicodedata.normalize(form_b, base) if form_b else base
        elif r < 0.7:
            a = ''.join(rng.choice(pool) for _ in range(rng.randint(0, 60)))
            b = mutate(a, 0.15, rng, pool[:12] + COMBINING[:10])
        else:
            base = ' '.join(rng.choice(SCRIPT_WORDS['latin'] + SCRIPT_WORDS['greek'] + ['résumé', 'Ångström']) for _ in range(rng.randint(1, 20)))
            base = ''.join(c + (rng.choice(COMBINING) if rng.random() < 0.1 else '') for c in base)
            a = unicodedata.normalize('NFC', base)
            b = unicodedata.normalize('NFD', base)
        if rng.random() < 0.5:
            a, b = b, a
        w.add('combining', a, b, None, True)


def gen_surrogate(w: CaseWriter, rng, count):
    for i in range(count):
        alpha = (rng.sample(HIGH_SURR, rng.randint(0, 3)) + rng.sample(LOW_SURR, rng.randint(1, 3))
                 + rng.sample(EMOJI + ASTRAL_MISC, rng.randint(0, 3)) + rng.sample(list('ab \u00e9\uffff\ud7ff\ue000'), rng.randint(1, 4)))
        n = rng.choice([8, 30, 100, 240])
        a = fix_surrogates(rand_str(rng, alpha, 0, n), rng)
        b = seq_variant(a, rng, alpha) if rng.random() < 0.6 else rand_str(rng, alpha, 0, n)
        b = fix_surrogates(b, rng)
        # make sure most cases contain at least one lone surrogate
        if not ANY_SURROGATE_RE.search(a + b) and rng.random() < 0.9:
            a = fix_surrogates(a + rng.choice(LOW_SURR), rng)
        isjunk = 'space' if rng.random() < 0.1 else None
        w.add('surrogate', a, b, isjunk, rng.random() < 0.9)


def gen_int_tokens(w: CaseWriter, rng, count):
    for i in range(count):
        r = rng.random()
        if r < 0.6:
            n = rng.randint(0, 60)
        elif r < 0.85:
            n = rng.randint(60, 199)
        else:
            n = rng.randint(200, 600)
        k = rng.choice([1, 2, 3, 5, 10, 50, 1000])
        lo = rng.choice([0, 0, -k // 2, -3])
        a = [rng.randint(lo, lo + k) for _ in range(n)]
        if rng.random() < 0.05:
            a += [2 ** 53 - 1, -(2 ** 53 - 1), 0, -1, -2]
            rng.shuffle(a)
        alpha = list(range(lo, lo + k + 2))
        b = seq_variant(a, rng, alpha) if rng.random() < 0.6 else [rng.randint(lo, lo + k) for _ in range(rng.randint(0, n + 10))]
        if rng.random() < 0.3:
            a, b = b, a
        w.add('int_tokens', a, b, None, rng.random() < 0.9)


def gen_word_tokens(w: CaseWriter, rng, count, real: RealData):
    for i in range(count):
        src = rng.random()
        if src < 0.35:
            s = rng.choice(real.gsm_answers + real.gsm_questions)
        elif src < 0.7:
            s = real.sky_chunk(rng, 2500)
        else:
            s = trim_lines(rng.choice(real.agent_texts + real.tau_texts), 2500, rng)
        a = s.split()
        r = rng.random()
        if r < 0.6:
            b = seq_variant(a, rng, real.vocab[:500] + ['the', 'a', 'of', 'to'])
        else:
            b, _ = edit_text(s, rng, real.gsm_answers, real.vocab)
            b = b.split()
        if rng.random() < 0.5:
            a, b = b, a
        w.add('word_tokens', a, b, None, rng.random() < 0.9)


def gen_line_tokens(w: CaseWriter, rng, count, real: RealData):
    for i in range(count):
        r = rng.random()
        if r < 0.4:
            s = rng.choice(real.multiline)
        elif r < 0.7:
            s = real.sky_chunk(rng, 3000).replace('. ', '.\n')
        else:
            s = trim_lines(rng.choice(real.swe_observations + real.mini_messages), 3000, rng)
        s = trim_lines(s, 3000, rng)
        a = s.splitlines(keepends=True)
        if rng.random() < 0.5:
            b = seq_variant(a, rng, ['\n', 'pass\n', '#### 42\n', 'x = 1\n'])
        else:
            t, _ = edit_text(s, rng, real.multiline, real.vocab)
            b = t.splitlines(keepends=True)
        w.add('line_tokens', a, b, None, rng.random() < 0.9)


def gen_mixed_tokens(w: CaseWriter, rng, count):
    pool = [0, 1, 2, 3, 10, -1, '0', '1', '2', '3', '10', '-1', 'a', 'b', '', ' ', 'True', 'None']
    for i in range(count):
        k = rng.randint(2, len(pool))
        alpha = rng.sample(pool, k)
        n = rng.choice([10, 40, 150, 300])
        a = [rng.choice(alpha) for _ in range(rng.randint(0, n))]
        b = seq_variant(a, rng, alpha) if rng.random() < 0.6 else [rng.choice(alpha) for _ in range(rng.randint(0, n))]
        w.add('mixed_tokens', a, b, None, rng.random() < 0.9)


def gen_char_tokens(w: CaseWriter, rng, count, real: RealData):
    for i in range(count):
        r = rng.random()
        if r < 0.5:
            s = rand_str(rng, rng.choice(['ab', 'abc ', string.ascii_lowercase, 'aé😀𝐀']), 0, 120)
        else:
            s = rng.choice(real.gsm_lines)
        t = seq_variant(s, rng, list(s) or ['x'])
        isjunk = rng.choice([None, None, None, 'space', 'vowel'])
        w.add('char_tokens', list(s), list(t), isjunk, rng.random() < 0.9)


def gen_isjunk(w: CaseWriter, rng, count, real: RealData):
    names = ['space', 'whitespace', 'vowel', 'hash', 'even', 'stopword']
    for i in range(count):
        name = names[i % len(names)]
        autojunk = rng.random() < 0.8
        r = rng.random()
        if name == 'even':
            k = rng.choice([3, 6, 10, 40])
            n = rng.choice([12, 60, 180, 300])
            a = [rng.randint(0, k) for _ in range(rng.randint(0, n))]
            b = seq_variant(a, rng, list(range(k + 1)))
            if rng.random() < 0.3:  # interleave junk (even) runs near matches
                b = [x for y in b for x in ([y, 2 * rng.randint(0, 3)] if rng.random() < 0.3 else [y])]
        elif name == 'stopword':
            s = rng.choice(real.gsm_questions) if r < 0.5 else real.sky_chunk(rng, 2000)
            a = s.split()
            b = seq_variant(a, rng, ['the', 'a', 'of', 'to', 'and', 'is'] + real.vocab[:100])
            if rng.random() < 0.3:
                b = [x for y in b for x in ([rng.choice(['the', 'a', 'of', 'to']), y] if rng.random() < 0.2 else [y])]
        else:
            if r < 0.3:
                alpha = {'space': 'ab ', 'whitespace': 'ab \t\n', 'vowel': 'aeixyz', 'hash': 'ab#'}[name]
                a = rand_str(rng, alpha, 0, rng.choice([12, 40, 120]))
                b = seq_variant(a, rng, list(alpha))
            else:
                if name == 'hash':
                    s = rng.choice(real.gsm_answers) if r < 0.7 else '\n'.join(
                        '# ' + l if rng.random() < 0.3 else l for l in trim_lines(rng.choice(real.multiline), 1500, rng).split('\n'))
                elif name == 'whitespace':
                    s = rng.choice(real.multiline if r < 0.7 else real.gsm_answers)
                    s = trim_lines(s, 2000, rng)
                else:
                    s = rng.choice(real.gsm_lines + real.gsm_questions + real.sky_thought_paras[:3000])
                b, _ = edit_text(s, rng, real.gsm_lines, real.vocab)
                a = s
                junk_chars = {'space': ' ', 'whitespace': ' \t\n', 'vowel': 'aeiou', 'hash': '#'}[name]
                if rng.random() < 0.4:  # insert/remove junk next to matches
                    b = ''.join(c + (rng.choice(junk_chars) if rng.random() < 0.08 else '') for c in b)
                    a = ''.join(c for c in a if not (c in junk_chars and rng.random() < 0.15))
            if rng.random() < 0.15:
                a, b = list(a), list(b)
        if rng.random() < 0.5:
            a, b = b, a
        w.add('isjunk', a, b, name, autojunk)


def gen_autojunk_off(w: CaseWriter, rng, count, real: RealData):
    for i in range(count):
        r = rng.random()
        n = rng.randint(200, 800) if rng.random() < 0.9 else rng.randint(800, 2000)
        if r < 0.35:
            alpha = rng.choice(['ab', 'abcde', 'aaaab ', string.ascii_lowercase + ' ' * 8])
            a = rand_str(rng, alpha, n, n)
            b = seq_variant(a, rng, list(alpha)) if rng.random() < 0.7 else rand_str(rng, alpha, 200, n)
        elif r < 0.55:
            k = rng.choice([2, 5, 20])
            a = [rng.randint(0, k) for _ in range(n)]
            b = seq_variant(a, rng, list(range(k + 1)))
        elif r < 0.85:
            a = real.sky_chunk(rng, 2000)
            if len(a) < 200:
                a = chunk_paragraphs(rng.choice(real.sky_docs), rng, 2000)
            b, _ = edit_text(a, rng, real.sky_thought_paras, real.vocab)
        else:
            a = rng.choice(real.gsm_answers)
            b, _ = edit_text(a, rng, real.gsm_answers, real.vocab)
        if rng.random() < 0.3:
            a, b = b, a
        isjunk = None
        if rng.random() < 0.15:
            isjunk = 'even' if isinstance(a, list) else rng.choice(['space', 'whitespace', 'vowel'])
        w.add('autojunk_off', a, b, isjunk, False)


def real_pair(w: CaseWriter, rng, category, s, pool, vocab):
    b = s if rng.random() < 0.04 else edit_changed(s, rng, pool, vocab)[0]
    a = s
    if rng.random() < 0.5:
        a, b = b, a
    w.add(category, a, b, None, rng.random() < 0.9)


def gen_real(w: CaseWriter, rng, counts, real: RealData):
    for i in range(counts['real_gsm8k']):
        r = rng.random()
        if r < 0.45:
            s, pool = rng.choice(real.gsm_lines), real.gsm_lines
        elif r < 0.85:
            s, pool = rng.choice(real.gsm_answers), real.gsm_answers
        else:
            s, pool = rng.choice(real.gsm_questions), real.gsm_questions
        real_pair(w, rng, 'real_gsm8k', s, pool, real.vocab)
    agent_pool = real.agent_texts
    for i in range(counts['real_agent']):
        s = trim_lines(rng.choice(agent_pool), rng.choice([300, 1000, 3000]), rng)
        real_pair(w, rng, 'real_agent', s, agent_pool, real.vocab)
    for i in range(counts['real_sky']):
        s = real.sky_chunk(rng)
        real_pair(w, rng, 'real_sky', s, real.sky_thought_paras, real.vocab)
    tau_pool = real.tau_texts + [c[2] for c in real.tau_calls]
    for i in range(counts['real_tau']):
        if rng.random() < 0.4:
            name, args, s = rng.choice(real.tau_calls)
            if rng.random() < 0.6:
                t = tweak_call(name, args, rng, sorted({c[0] for c in real.tau_calls}))
                a, b = (s, t) if rng.random() < 0.5 else (t, s)
                w.add('real_tau', a, b, None, rng.random() < 0.9)
                continue
        else:
            s = trim_lines(rng.choice(real.tau_texts), rng.choice([500, 3000]), rng)
        real_pair(w, rng, 'real_tau', s, tau_pool, real.vocab)


# ---------------------------------------------------------------------------
# Reward pairs
# ---------------------------------------------------------------------------

PADS = ['', '\n', '\n\n', ' ', '\t ']
# Whitespace-ish characters where Python's str.isspace() and JavaScript's \s disagree (or are both false).
EXOTIC_WS = ['\u00a0', '\u2003', '\u3000', '\x1c', '\x1f', '\x85', '\u2028', '\ufeff', '\u200b', '\x0b', '\x0c', '\u180e']
JS_WS = '\t\n\x0b\x0c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'


def py_whitespace():
    return [c for c in range(0x110000) if chr(c).isspace()]


def lcs_len(x: str, y: str) -> int:
    """Plain O(len(x)*len(y)) longest-common-subsequence DP over code points."""
    if len(x) < len(y):
        x, y = y, x
    if not y:
        return 0
    prev = [0] * (len(y) + 1)
    for cx in x:
        cur = [0]
        left = 0
        for j, cy in enumerate(y):
            if cx == cy:
                left = prev[j] + 1
            else:
                up = prev[j + 1]
                if up > left:
                    left = up
            cur.append(left)
        prev = cur
    return prev[-1]


def gen_pairs(rng, real: RealData, strip_chars: str):
    thoughts = [t for t in (real.swe_thoughts + real.mini_thoughts + real.sky_thought_paras
                            + real.gsm_questions + real.tau_texts)
                if '<think>' not in t and '</think>' not in t and len(t) <= 1200]
    tools = sorted({c[0] for c in real.tau_calls})
    plan = ([('gsm8k_line', 450), ('gsm8k_answer', 300), ('swe_action', 150), ('mini_swe', 120),
             ('tau_call', 350), ('sky_paragraph', 450), ('swe_thought', 60), ('tau_text', 120)])
    lines = []
    counts = {}
    for source, count in plan:
        for i in range(count):
            if source == 'gsm8k_line':
                expert, pool = rng.choice(real.gsm_lines), real.gsm_lines
            elif source == 'gsm8k_answer':
                expert, pool = rng.choice(real.gsm_answers), real.gsm_answers
            elif source == 'swe_action':
                expert, pool = rng.choice(real.swe_actions), real.swe_actions + real.mini_commands
            elif source == 'mini_swe':
                expert, pool = rng.choice(real.mini_commands), real.mini_commands + real.swe_actions
            elif source == 'tau_call':
                name, args, expert = rng.choice(real.tau_calls)
                pool = [c[2] for c in real.tau_calls]
            elif source == 'sky_paragraph':
                paras = real.sky_solution_paras if rng.random() < 0.6 else real.sky_thought_paras
                expert = ''
                while not expert:
                    expert = rng.choice(paras)
                    if len(expert) > 1500:
                        expert = ''
                if rng.random() < 0.2:
                    expert = chunk_paragraphs(rng.choice(real.sky_docs), rng, rng.randint(200, 1200))
                pool = paras
            elif source == 'swe_thought':
                expert, pool = rng.choice(real.swe_thoughts + real.mini_thoughts), real.swe_thoughts + real.mini_thoughts
            else:
                expert = trim_lines(rng.choice(real.tau_texts), 1500, rng)
                pool = real.tau_texts
            expert = expert.strip(strip_chars)[:2000].strip(strip_chars)
            r = rng.random()
            if source == 'tau_call' and r < 0.45:
                action = tweak_call(name, args, rng, tools)
            elif r < 0.08:
                action = expert
            elif r < 0.09:
                action = ''
            else:
                action, _ = edit_changed(expert, rng, pool, real.vocab)
            if rng.random() < 0.05:
                action = ''.join(rng.choice(EXOTIC_WS) if c == ' ' and rng.random() < 0.5 else c for c in action)
            action = action.strip(strip_chars)[:2000].strip(strip_chars)
            assert '</think>' not in action and '<think>' not in action
            thought = '' if rng.random() < 0.05 else trim_lines(rng.choice(thoughts), 1200, rng)
            output = '<think>' + thought + '</think>' + rng.choice(PADS) + action + rng.choice(PADS)
            assert output.split('</think>', 1)[1].strip() == action
            assert action == action.strip()
            sm = difflib.SequenceMatcher(None, action, expert)
            smn = difflib.SequenceMatcher(None, action, expert, autojunk=False)
            wsm = difflib.SequenceMatcher(None, action.split(), expert.split())
            if not action and not expert:
                lcs = 1.0
            else:
                lcs = 2 * lcs_len(action, expert) / (len(action) + len(expert))
            idx = counts.get(source, 0)
            counts[source] = idx + 1
            obj = {
                "id": f"{source}-{idx}",
                "expert": expert,
                "action": action,
                "output": output,
                "char": sm.ratio(),
                "char_noautojunk": smn.ratio(),
                "word": wsm.ratio(),
                "lcs": lcs,
            }
            check_strings(obj)
            lines.append(dumps(obj))
    return lines, counts


# ---------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    if not DATA.is_dir():
        print(f'shared data not found at ../shared/data/trajectories (relative to the repo root)', file=sys.stderr)
        return 1
    t0 = time.time()
    real = RealData()

    w = CaseWriter(random.Random(SEED + 1))
    gen_exhaustive(w)
    gen_empty(w, random.Random(SEED + 2), 300)
    gen_identical(w, random.Random(SEED + 3), 600, real)
    gen_tiny(w, random.Random(SEED + 4), 4000)
    gen_ascii_mid(w, random.Random(SEED + 5), 2500)
    gen_autojunk_threshold(w, random.Random(SEED + 6), 1500)
    gen_repetitive(w, random.Random(SEED + 7), 700)
    gen_unicode(w, random.Random(SEED + 8), 800)
    gen_astral(w, random.Random(SEED + 9), 600)
    gen_combining(w, random.Random(SEED + 10), 400, real)
    gen_surrogate(w, random.Random(SEED + 11), 600)
    gen_int_tokens(w, random.Random(SEED + 12), 1400)
    gen_word_tokens(w, random.Random(SEED + 13), 1000, real)
    gen_line_tokens(w, random.Random(SEED + 14), 500, real)
    gen_mixed_tokens(w, random.Random(SEED + 15), 400)
    gen_char_tokens(w, random.Random(SEED + 16), 300, real)
    gen_isjunk(w, random.Random(SEED + 17), 1600, real)
    gen_autojunk_off(w, random.Random(SEED + 18), 600, real)
    gen_real(w, random.Random(SEED + 19),
             {'real_gsm8k': 1200, 'real_agent': 700, 'real_sky': 1000, 'real_tau': 600}, real)
    t1 = time.time()
    write_jsonl_gz(OUT_CASES, w.lines)

    ws = py_whitespace()
    strip_chars = ''.join(dict.fromkeys(JS_WS + ''.join(chr(c) for c in ws)))
    pair_lines, pair_counts = gen_pairs(random.Random(SEED + 20), real, strip_chars)
    write_jsonl_gz(OUT_PAIRS, pair_lines)
    OUT_WS.parent.mkdir(parents=True, exist_ok=True)
    OUT_WS.write_text(dumps({"isspace": ws}) + '\n', encoding='ascii')
    t2 = time.time()

    print(f'difflib cases: {len(w.lines)} lines ({t1 - t0:.1f}s)')
    for cat, n in w.counts.items():
        print(f'  {cat:20s} {n:6d}')
    print(f'reward pairs: {len(pair_lines)} lines ({t2 - t1:.1f}s)')
    for src, n in pair_counts.items():
        print(f'  {src:20s} {n:6d}')
    print(f'pywhitespace: {len(ws)} code points')
    for p in (OUT_CASES, OUT_PAIRS, OUT_WS):
        print(f'{p.relative_to(ROOT)}: {p.stat().st_size:,} bytes  sha256 {sha256(p)[:16]}')
    print(f'total {t2 - t0:.1f}s')
    return 0


if __name__ == '__main__':
    sys.exit(main())

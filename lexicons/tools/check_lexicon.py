#!/usr/bin/env python3
"""Validate bundled lexicon CSVs and preview matches (a researcher's aid, not part of the build).

    python3 lexicons/tools/check_lexicon.py lexicons/de/conflict.csv lexicons/en/conflict.csv
    python3 lexicons/tools/check_lexicon.py LEXICON.csv --match FILE_OR_DIR...   # hits per document

Checks: the bundled header (with or without the require/forbid columns), RFC 4180 parse,
pattern/frame/note present, polarity in {-1,0,1}, weight a number >= 0, no duplicate pattern
(case-insensitive), every pattern has a letter, single spaces between tokens, and the
;-separated require/forbid patterns (none empty, none with `!`, each with a letter, none
twice). Prints the entry count per frame.

--match applies the pattern language specified in lexicons/README.md ("Pattern language"),
context conditions included, judged in rough sentences (split after . ! ? before a capital
letter or an opening quote). The Rust matcher is the reference; this is a preview to curate
entries and the example corpus with.
"""
import csv
import os
import re
import sys
from collections import Counter, defaultdict

HEADER = ["pattern", "frame", "target", "polarity", "weight", "require", "forbid", "note"]
HEADER_WITHOUT_CONDITIONS = ["pattern", "frame", "target", "polarity", "weight", "note"]
WORD = r"[^\W_]"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"»«(])")


def load(path):
    """Rows as dicts with line numbers, plus the list of problems found."""
    problems, rows, seen = [], [], {}
    with open(path, encoding="utf-8", newline="") as f:
        raw = f.read()
    if "\r" in raw:
        problems.append(f"{path}: CR line ends; use \\n")
    lines = raw.split("\n")
    header = HEADER if lines[0] == ",".join(HEADER) else HEADER_WITHOUT_CONDITIONS
    if lines[0] != ",".join(header):
        problems.append(f"{path}:1: header must be {','.join(HEADER)}")
    # Parse record by record so that line numbers stay exact (notes never span lines here).
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            (rec,) = list(csv.reader([line], strict=True))
        except ValueError as e:
            problems.append(f"{path}:{lineno}: {e}")
            continue
        if len(rec) != len(header):
            problems.append(f"{path}:{lineno}: {len(rec)} fields, expected {len(header)}")
            continue
        row = dict(zip(header, rec), line=lineno)
        for column in ("require", "forbid"):
            row[column] = conditions(row.get(column, ""), f"{path}:{lineno}", column, problems)
        pat, frame, note = row["pattern"], row["frame"], row["note"]
        if not pat or not frame or not note:
            problems.append(f"{path}:{lineno}: pattern, frame and note are required")
        if frame and not re.fullmatch(r"[a-z][a-z_]*", frame):
            problems.append(f"{path}:{lineno}: frame `{frame}` is not snake_case")
        if row["polarity"] not in {"-1", "0", "1"}:
            problems.append(f"{path}:{lineno}: polarity `{row['polarity']}` not in -1/0/1")
        try:
            if float(row["weight"] or "1") < 0:
                raise ValueError
        except ValueError:
            problems.append(f"{path}:{lineno}: weight `{row['weight']}` is not a number >= 0")
        body = pat[1:] if pat.startswith("!") else pat
        if not re.search(r"[^\W\d_]", body):
            problems.append(f"{path}:{lineno}: pattern `{pat}` has no letter")
        if body != body.strip() or "  " in body:
            problems.append(f"{path}:{lineno}: pattern `{pat}` needs single spaces between tokens")
        if re.search(r"[^\w*\- ]", body):
            problems.append(f"{path}:{lineno}: pattern `{pat}` has characters outside letters/digits/*/-")
        key = pat.lower()
        if key in seen:
            problems.append(f"{path}:{lineno}: duplicate pattern `{pat}` (first on line {seen[key]})")
        seen.setdefault(key, lineno)
        rows.append(row)
    return rows, problems


def conditions(field, where, column, problems):
    """The ;-separated patterns of a require/forbid field; problems are appended."""
    if not field.strip():
        return []
    out = []
    for item in (p.strip() for p in field.split(";")):
        if not item:
            problems.append(f"{where}: empty pattern in `{column}`: remove the extra `;`")
        elif item.startswith("!"):
            problems.append(f"{where}: pattern `{item}` in `{column}` starts with `!`")
        elif not re.search(r"[^\W_]", item):
            problems.append(f"{where}: pattern `{item}` in `{column}` has no letter or digit")
        elif item.lower() in (o.lower() for o in out):
            problems.append(f"{where}: pattern `{item}` appears twice in `{column}`")
        else:
            out.append(item)
    return out


def token_regex(token):
    if token == "*":
        return WORD + "+"
    parts = []
    for piece in token.split("-"):
        parts.append((WORD + "*").join(re.escape(p) for p in piece.split("*")))
    return "-".join(parts)


def pattern_regex(pattern):
    body = r"\s+".join(token_regex(t) for t in pattern.lower().split(" "))
    return re.compile(rf"(?<!{WORD})(?={WORD}){body}(?!{WORD})", re.IGNORECASE)


class Matcher:
    def __init__(self, rows):
        self.inc, self.exc, self.cond = [], [], {}
        for r in rows:
            pat = r["pattern"]
            if pat.startswith("!"):
                self.exc.append((pattern_regex(pat[1:]), r))
            else:
                self.inc.append((pattern_regex(pat), r))
            if r.get("require") or r.get("forbid"):
                self.cond[id(r)] = ([pattern_regex(p) for p in r["require"]], [pattern_regex(p) for p in r["forbid"]])

    def applies(self, r, sentence):
        """A row applies where one require pattern (if any) and no forbid pattern occurs."""
        if id(r) not in self.cond:
            return True
        require, forbid = self.cond[id(r)]
        occurs = lambda rx: any(rx.match(sentence, m.start()) for m in re.finditer(rf"(?<!{WORD}){WORD}", sentence))
        return (not require or any(map(occurs, require))) and not any(map(occurs, forbid))

    def find(self, text):
        """Hits sentence by sentence (rough split), as analyze matches per sentence."""
        hits, at = [], 0
        for sentence in SENTENCE_END.split(text):
            start = text.index(sentence, at)
            hits += [(s + start, e + start, r) for s, e, r in self.find_in_sentence(sentence)]
            at = start + len(sentence)
        return hits

    def find_in_sentence(self, text):
        cands = []
        for rx, r in self.inc:
            if not self.applies(r, text):
                continue
            # Every start position, so a pattern can be tried at each word.
            for start in (m.start() for m in re.finditer(rf"(?<!{WORD}){WORD}", text)):
                m = rx.match(text, start)
                if m and m.end() > m.start():
                    cands.append((m.start(), m.end(), r))
        blocked = [(m.start(), m.end()) for rx, r in self.exc if self.applies(r, text) for m in rx.finditer(text)]
        cands = [c for c in cands if not any(c[0] < e and s < c[1] for s, e in blocked)]
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[2]["line"]))
        taken = []
        for c in cands:
            if not any(c[0] < t[1] and t[0] < c[1] for t in taken):
                taken.append(c)
        return sorted(taken, key=lambda c: c[0])


def read_any(path):
    data = open(path, "rb").read()
    if data[:2] == b"\xff\xfe":
        return data[2:].decode("utf-16-le"), "UTF-16LE"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "windows-1252"


def main(argv):
    if "--match" in argv:
        i = argv.index("--match")
        lex, targets = argv[1:i], argv[i + 1:]
    else:
        lex, targets = argv[1:], []
    if not lex:
        sys.exit(__doc__)
    all_rows, bad = [], False
    for path in lex:
        rows, problems = load(path)
        for p in problems:
            print(p)
        bad |= bool(problems)
        inc = [r for r in rows if not r["pattern"].startswith("!")]
        exc = len(rows) - len(inc)
        per = Counter(r["frame"] for r in inc)
        print(f"{path}: {len(rows)} entries ({len(inc)} inclusions, {exc} exclusions)")
        for frame, n in per.items():
            print(f"  {frame:16} {n}")
        all_rows += rows
    if targets:
        matcher = Matcher(all_rows)
        files = []
        for t in targets:
            if os.path.isdir(t):
                files += sorted(os.path.join(d, f) for d, _, fs in os.walk(t) for f in fs)
            else:
                files.append(t)
        for f in files:
            text, enc = read_any(f)
            hits = matcher.find(text)
            per = defaultdict(float)
            for _, _, r in hits:
                per[r["frame"]] += float(r["weight"] or 1)
            print(f"\n{f} [{enc}] {len(hits)} hits: " + ", ".join(f"{k}={v:g}" for k, v in sorted(per.items())))
            for s, e, r in hits:
                print(f"  {s:5} {text[s:e]!r:40} {r['pattern']} ({r['frame']}, line {r['line']})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Validity figures of `framing` on the team's hand-annotated voice set.

Scores what a media-bias finding rests on: for every loaded-term occurrence in real German
news sentences (../shared/data/voice/de-dev.csv, annotated by hand; see its README.md and
GUIDELINES.md), does framing find it, in the right voice (authorial, quoted, reported,
scare_quote), with the right speaker and negation, and are its matches real occurrences of
the loaded sense?

    python3 bench/validity.py [--bin target/release/framing] [--voice-set FILE] [--segmentation]
                              [--json OUT.json] [--errors K]

How it scores (as the set's README says): each `id` is a document holding `text`; the
sentences go through `framing analyze --jsonl` (bundled lexicon, no model); each gold row is
paired with the framing match whose character span overlaps it.
- voice accuracy over the paired gold rows, and per voice precision / recall / F1 over the
  pairs (a gold row without a match counts against recall only through `found`);
- speaker: of the paired quoted/reported gold rows whose speaker the text names, the share
  where framing names a speaker (found) and, of those, the share whose head word (last
  capitalised word, or the last word) equals the gold speaker's (right). The annotators'
  notes in parentheses ("Gesetz (Ukrainian law)", "Russland (Peskow)") are not part of the
  name (GUIDELINES.md: the speaker "as the text names it"), and rows whose gold speaker is a
  descriptor because the text names nobody ("unnamed (context)", "sie (not named in
  sentence)", "manche (unspecified)") are left out: there the right answer is no name;
- negation precision / recall over the pairs;
- lexicon precision: the share of framing's matches that overlap a gold row in the conflict
  sense (`in_conflict_sense = y`); recall: the share of those gold rows that a match overlaps;
- `--voice-set bench/data/voice-extra.tsv` scores the hand-written scare-quote and negation
  sentences the same way (there only the focus terms are annotated, so lexicon precision
  is not meaningful);
- with --segmentation, exact sentence lists on ../shared/data/segmentation/{de,en}.jsonl
  through ../shared/bench/seg_baseline.py.
Prints a table; --json writes the figures; --errors K prints K disagreements of each kind.
"""
import argparse
import csv
import json
import re
import os
import subprocess
import sys
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
VOICES = ["authorial", "quoted", "reported", "scare_quote"]


def load_gold(path):
    if path.endswith(".tsv"):
        return load_extra(path)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["char_start"], r["char_end"] = int(r["char_start"]), int(r["char_end"])
        if r["text"][r["char_start"]:r["char_end"]] != r["term"]:
            sys.exit(f"{path}: {r['id']}: offsets do not give {r['term']!r}")
    return rows


def load_extra(path):
    """The hand-written sentences of bench/data/voice-extra.tsv as gold rows (offsets of the
    term's first occurrence; every row in the conflict sense)."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 8:
                sys.exit(f"{path}:{n}: expected 8 tab-separated fields, found {len(fields)}")
            id_, text, term, frame, voice, negated, speaker, note = fields
            start = text.find(term)
            if start < 0:
                sys.exit(f"{path}:{n}: {term!r} is not in the text")
            rows.append({"id": id_, "text": text, "term": term, "char_start": start, "char_end": start + len(term),
                         "frame": frame, "in_conflict_sense": "y", "voice": voice, "negated": negated,
                         "speaker": speaker, "note": note})
    return rows


def run_framing(binary, texts):
    """{id: [match, ...]} with document-relative character offsets."""
    lines = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in texts.items())
    out = subprocess.run([binary, "analyze", "--jsonl", "-", "--no-model", "-q"], input=lines.encode(),
                         capture_output=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit(f"framing failed ({out.returncode}): {out.stderr.decode(errors='replace')}")
    matches = defaultdict(list)
    for line in out.stdout.decode().splitlines():
        s = json.loads(line)
        matches[s["doc_id"]].extend(s["matches"])
    return matches


def without_notes(name):
    """The speaker as the text names it: the annotators' notes in parentheses removed."""
    return re.sub(r"\s*\([^)]*\)", "", name).strip()


def named_in_text(gold_speaker):
    """Whether the gold speaker is a name from the text, not a descriptor of an unnamed one."""
    note = gold_speaker.lower()
    return bool(without_notes(gold_speaker)) and not note.startswith("unnamed") \
        and "not named" not in note and "unspecified" not in note


def head_word(name):
    words = [w.strip(".,;:()„“\"'") for w in without_notes(name).split()]
    words = [w for w in words if w]
    if not words:
        return ""
    capitalised = [w for w in words if w[:1].isupper()]
    return (capitalised or words)[-1].lower()


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if p == p and r == r and p + r else float("nan")
    return p, r, f


def score(gold, matches):
    pairs = []  # (gold row, match or None)
    for g in gold:
        found = [m for m in matches.get(g["id"], []) if m["char_start"] < g["char_end"] and g["char_start"] < m["char_end"]]
        pairs.append((g, found[0] if found else None))
    paired = [(g, m) for g, m in pairs if m is not None]
    fig = {"gold_rows": len(gold), "paired": len(paired)}
    fig["voice_accuracy"] = sum(g["voice"] == m["voice"] for g, m in paired) / len(paired) if paired else float("nan")
    per_voice = {}
    for v in VOICES:
        tp = sum(g["voice"] == v and m["voice"] == v for g, m in paired)
        fp = sum(g["voice"] != v and m["voice"] == v for g, m in paired)
        fn = sum(g["voice"] == v and m["voice"] != v for g, m in paired)
        p, r, f = prf(tp, fp, fn)
        per_voice[v] = {"precision": p, "recall": r, "f1": f, "gold": sum(g["voice"] == v for g, _ in paired),
                        "predicted": sum(m["voice"] == v for _, m in paired)}
    fig["per_voice"] = per_voice
    attributed = [(g, m) for g, m in paired if g["voice"] in ("quoted", "reported") and named_in_text(g["speaker"])]
    if any("speaker" in m for _, m in paired):
        named = [(g, m) for g, m in attributed if m.get("speaker")]
        right = [(g, m) for g, m in named if head_word(g["speaker"]) == head_word(m["speaker"])]
        fig["speaker_found"] = len(named) / len(attributed) if attributed else float("nan")
        fig["speaker_right"] = len(right) / len(named) if named else float("nan")
    else:
        fig["speaker_found"] = fig["speaker_right"] = None
    neg = lambda x: str(x).lower() == "true"
    tp = sum(neg(g["negated"]) and m["negated"] for g, m in paired)
    fp = sum(not neg(g["negated"]) and m["negated"] for g, m in paired)
    fn = sum(neg(g["negated"]) and not m["negated"] for g, m in paired)
    fig["negation_precision"], fig["negation_recall"], _ = prf(tp, fp, fn)
    fig["negation_counts"] = {"tp": tp, "fp": fp, "fn": fn}
    conflict = [g for g in gold if g["in_conflict_sense"] == "y"]
    all_matches = [(i, m) for i, ms in matches.items() for m in ms]
    in_sense = sum(any(g["id"] == i and m["char_start"] < g["char_end"] and g["char_start"] < m["char_end"]
                       for g in conflict) for i, m in all_matches)
    fig["lexicon_precision"] = in_sense / len(all_matches) if all_matches else float("nan")
    fig["lexicon_recall"] = sum(m is not None for g, m in pairs if g["in_conflict_sense"] == "y") / len(conflict)
    fig["matches"] = len(all_matches)
    return fig, pairs, all_matches


def segmentation(binary):
    out = {}
    for lang in ("de", "en"):
        golden = os.path.join(SHARED, "data", "segmentation", f"{lang}.jsonl")
        tmp = os.path.join(ROOT, "target", f"validity-seg-{lang}.json")
        subprocess.run([sys.executable, os.path.join(SHARED, "bench", "seg_baseline.py"), golden, "--seg", "",
                        "--cmd", f"framing={binary} segment - --lang {lang}", "--json", tmp],
                       check=True, capture_output=True)
        with open(tmp, encoding="utf-8") as f:
            data = json.load(f)
        out[lang] = find_exact(data)
    return out


def find_exact(data):
    """The framing 'ALL' exact figure in seg_baseline's JSON, wherever it sits."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "ALL" and isinstance(v, dict):
                fr = v.get("framing", v)
                if isinstance(fr, dict) and "exact" in fr:
                    return fr["exact"]
            found = find_exact(v)
            if found is not None:
                return found
    if isinstance(data, list):
        for v in data:
            found = find_exact(v)
            if found is not None:
                return found
    return None


def fmt(x):
    return "n/a" if x is None else ("  -  " if x != x else f"{x:.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "framing"))
    ap.add_argument("--voice-set", default=os.path.join(SHARED, "data", "voice", "de-dev.csv"))
    ap.add_argument("--segmentation", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--errors", type=int, default=0)
    args = ap.parse_args()
    if not os.path.exists(args.voice_set):
        sys.exit(f"skipped: {args.voice_set} not found (the team's shared data sit beside the repository)")
    gold = load_gold(args.voice_set)
    texts = {g["id"]: g["text"] for g in gold}
    matches = run_framing(args.bin, texts)
    fig, pairs, all_matches = score(gold, matches)
    if args.segmentation:
        fig["segmentation_exact"] = segmentation(args.bin)
    print(f"voice set: {os.path.relpath(args.voice_set)}: {fig['gold_rows']} gold occurrences, "
          f"{fig['paired']} found by framing, {fig['matches']} framing matches")
    print(f"voice accuracy             {fmt(fig['voice_accuracy'])}   (goal 0.9)")
    for v in VOICES:
        p = fig["per_voice"][v]
        print(f"  {v:<12} P {fmt(p['precision'])}  R {fmt(p['recall'])}  F1 {fmt(p['f1'])}"
              f"   gold {p['gold']:>3}, predicted {p['predicted']:>3}")
    print(f"speaker found / right      {fmt(fig['speaker_found'])} / {fmt(fig['speaker_right'])}   (goal 0.7 / 0.85)")
    print(f"negation P / R             {fmt(fig['negation_precision'])} / {fmt(fig['negation_recall'])}   "
          f"{fig['negation_counts']} (goal 0.8 / 0.8)")
    print(f"lexicon precision / recall {fmt(fig['lexicon_precision'])} / {fmt(fig['lexicon_recall'])}   (goal 0.9 / 0.75)")
    if args.segmentation:
        s = fig["segmentation_exact"]
        print(f"segmentation exact de / en {fmt(s['de'])} / {fmt(s['en'])}   (goal ≥ 0.98 / 0.90)")
    if args.errors:
        shown = Counter()
        for g, m in pairs:
            kind = "missed" if m is None else ("voice" if g["voice"] != m["voice"] else None)
            if kind is None and g["voice"] in ("quoted", "reported") and named_in_text(g["speaker"]) and m.get("speaker") \
                    and head_word(g["speaker"]) != head_word(m["speaker"]):
                kind = "speaker"
            if kind and shown[kind] < args.errors:
                shown[kind] += 1
                got = "-" if m is None else f"{m['voice']} ({m.get('speaker', '')})"
                print(f"[{kind}] {g['id']} {g['term']!r}: gold {g['voice']} ({g['speaker']}), framing {got}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(fig, f, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()

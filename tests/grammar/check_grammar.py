#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""One grammar: help, the man pages' synopses, completion and the parser
accept exactly the commands, keywords, choices and options of the grammar
table (as vdpa-grammar lists it), nothing more and nothing less.

  check_grammar.py VDPA_GRAMMAR VDPA COMPLETION MAN_DIR

Runs on the host: nothing here reaches the kernel. Prints TAP.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "completion"))
import complete  # noqa: E402

GRAMMAR_TOOL, VDPA, COMPLETION, MAN_DIR = sys.argv[1:5]

# A value each keyword's parser accepts, to tell "accepted twice" from
# "unknown" when the parser is asked. Every keyword of the grammar needs one
# (checked below): a new keyword without a sample fails the check.
SAMPLE = {"name": "a", "mgmtdev": "vdpasim_net", "mac": "00:11:22:33:44:55", "mtu": "1500",
          "max_vqp": "1", "qidx": "0", "device_features": "1", "driver": "none",
          "wait": "1", "prune": None, "check": None,  # None: a flag, without a value
          "file": "/tmp/x", "tap": "t0", "readonly": None, "queues": "1", "queue_size": "256",
          "blk_size": "512"}


class Grammar:
    def __init__(self, text):
        self.options = set()       # every spelling: -j --json -force
        self.groups = {""}         # "dev config"
        self.commands = {}         # path -> positional
        self.keywords = {}         # path -> {keyword}
        self.choices = {}          # keyword -> {choice}
        for line in text.splitlines():
            kind, _, rest = line.partition(" ")
            if kind == "option":
                self.options.update(rest.split())
            elif kind == "group":
                self.groups.add(rest)
            elif kind == "command":
                path, positional = rest.rsplit(" ", 1)
                self.commands[path] = positional
                self.keywords[path] = set()
            elif kind == "keyword":
                path, word, _ = rest.rsplit(" ", 2)
                self.keywords[path].add(word)
            elif kind == "choices":
                word, *values = rest.split()
                self.choices[word] = set(values)

    def children(self, group):
        paths = list(self.groups - {""}) + list(self.commands)
        return {p.rsplit(" ", 1)[-1] for p in paths
                if (p.rsplit(" ", 1)[0] if " " in p else "") == group}


grammar = Grammar(subprocess.run([GRAMMAR_TOOL, "list"], stdout=subprocess.PIPE, text=True,
                                 check=True).stdout)
results = []


def check(name, expected, got):
    results.append((name, expected == got, expected, got))


# Synopses, from help and from man pages -------------------------------------

def tokens(text):
    return [t for t in re.split(r"[\s\[\]{}|]+", text) if t]


class Synopses:
    """Commands, keywords and choices that usage lines name."""

    def __init__(self):
        self.commands = set()
        self.groups = set()
        self.keywords = {}
        self.choices = {}
        self.unknown = []

    def add(self, line):
        words = tokens(line)
        if not words:
            return
        if words[0] != "vdpa":
            # "DRIVER := { virtio_vdpa | vhost_vdpa | none }"
            if len(words) > 2 and words[1] == ":=" and words[0] != "OPTIONS" \
                    and words[0] != "OBJECT":
                word = [k for k, v in KEYWORD_PLACEHOLDER.items() if v == words[0]]
                self.choices[word[0] if word else words[0]] = set(words[2:])
            return
        words = [w for w in words[1:] if w != "OPTIONS" and not w.startswith("-")]
        # Down the tree of groups; commands side by side are alternatives
        # ({ show | list }).
        parents, i = [""], 0
        while i < len(words) and any(p in grammar.groups for p in parents):
            found = [(p + " " + words[i]).strip() for p in parents
                     if p in grammar.groups and words[i] in grammar.children(p)]
            if not found:
                break
            i += 1
            while (i < len(words) and all(f in grammar.commands for f in found)
                   and any(words[i] in grammar.children(p) for p in parents)):
                found += [(p + " " + words[i]).strip() for p in parents
                          if words[i] in grammar.children(p)]
                i += 1
            parents = found
        rest = words[i:]
        for path in parents:
            (self.commands if path in grammar.commands else self.groups).add(path)
        # "vdpa dev { COMMAND | help }", "vdpa dev [ config | vstats ] help"
        if "help" in rest or "COMMAND" in rest:
            return
        for previous, word in zip([None] + rest, rest):
            # "mgmtdev vduse": a value the synopsis spells out, not a keyword.
            if previous == "mgmtdev" and word.islower():
                continue
            if word.islower() and "/" not in word:
                for path in parents:
                    self.keywords.setdefault(path, set()).add(word)
            elif not re.fullmatch(r"[A-Z_]+|/|\[?BUS/\]?[A-Z_]+|BUS/", word):
                self.unknown.append(word)


KEYWORD_PLACEHOLDER = {"driver": "DRIVER"}


def help_synopses():
    synopses = Synopses()
    texts = []
    for path in sorted(grammar.groups | set(grammar.commands)):
        if path in grammar.commands and grammar.commands[path] != "none":
            continue  # "help" would be a device name
        result = subprocess.run([VDPA] + path.split() + ["help"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        texts.append(result.stdout)
    options, objects = set(), set()
    for text in texts:
        entries = []
        for line in text.splitlines():
            line = re.sub(r"^(Usage:|where)?\s*", "", line)
            if entries and not re.match(r"vdpa |\w+ :=", line):
                entries[-1] += " " + line
            else:
                entries.append(line)
        for entry in entries:
            # "OPTIONS := { -V | --Version | ...", "vdpa [ OPTIONS ] { -b | --batch ..."
            if entry.startswith("OPTIONS :=") or entry.startswith("vdpa [ OPTIONS ]"):
                options.update(t for t in tokens(entry) if re.fullmatch(r"--?\w+", t))
            if entry.startswith("OBJECT :="):
                objects.update(tokens(entry)[2:])
            synopses.add(entry)
    return synopses, options, objects


def roff_text(line):
    """The words a man macro line prints."""
    line = line.replace("\\-", "-").replace("\\fI", "").replace("\\fB", "") \
        .replace("\\fR", "").replace("\\fP", "")
    if line.startswith("."):
        line = line.split(None, 1)[1] if " " in line else ""
    return line.replace('"', " ")


def man_sections(page):
    with open(os.path.join(MAN_DIR, page)) as f:
        sections, name = {}, None
        for line in f.read().splitlines():
            if line.startswith(".SH "):
                name = line[4:].strip('"')
                sections[name] = []
            elif name:
                sections[name].append(line)
    return sections


def man_synopses():
    synopses = Synopses()
    for page in sorted(os.listdir(MAN_DIR)):
        if not re.fullmatch(r"vdpa(-\w+)?\.8", page):
            continue
        entry = []
        for line in man_sections(page)["SYNOPSIS"] + [".br"]:
            if line in (".br", ".PP"):
                synopses.add(" ".join(entry))
                entry = []
            else:
                entry.append(roff_text(line))
    options = set()
    for line in man_sections("vdpa.8")["OPTIONS"]:
        if line.startswith(".BR -") or line.startswith(".BR \\-"):
            options.update(w for w in tokens(roff_text(line).replace(",", " "))
                           if w.startswith("-"))
    return synopses, options


def compare_synopses(source, synopses):
    check(source + ": commands", set(grammar.commands), synopses.commands)
    for path in sorted(grammar.commands):
        check(source + ": keywords of " + path, grammar.keywords[path],
              synopses.keywords.get(path, set()))
    check(source + ": choices", grammar.choices, synopses.choices)
    check(source + ": nothing unknown", [], synopses.unknown)


help_parsed, help_options, help_objects = help_synopses()
compare_synopses("help", help_parsed)
check("help: objects", grammar.children(""), help_objects)
check("help: options", grammar.options, help_options)
man_parsed, man_options = man_synopses()
compare_synopses("man", man_parsed)
check("man: objects", grammar.children(""),
      {path for path in man_parsed.groups | man_parsed.commands if path and " " not in path})
check("man: options", grammar.options, man_options)

# Completion --------------------------------------------------------------------

lines, expected = [], []
for group in sorted(grammar.groups):
    lines.append(("vdpa " + group + " ").replace("  ", " "))
    expected.append(grammar.children(group) | {"help"})
for path, positional in sorted(grammar.commands.items()):
    if positional == "none":
        lines.append("vdpa %s " % path)
        expected.append(grammar.keywords[path] | {"help"})
    else:
        lines.append("vdpa %s x " % path)
        expected.append(grammar.keywords[path])
    for word, values in grammar.choices.items():
        if word in grammar.keywords[path]:
            before = "" if positional == "none" else "x "
            lines.append("vdpa %s %s%s " % (path, before, word))
            expected.append(values)
lines.append("vdpa -")
expected.append(grammar.options)
answers = complete.candidates(COMPLETION, [VDPA + line[len("vdpa"):] for line in lines])
for line, want, got in zip(lines, expected, answers):
    check("completion: " + line + "|", sorted(want), got)

# The parser ------------------------------------------------------------------------

def parse_error(words):
    result = subprocess.run([VDPA] + words, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    return result.returncode, result.stdout


all_keywords = set().union(*grammar.keywords.values())
check("parser: a sample value for every keyword", set(), all_keywords - set(SAMPLE))
check("parser: no sample value for a keyword that does not exist", set(),
      set(SAMPLE) - all_keywords)
for path, positional in sorted(grammar.commands.items()):
    before = [] if positional == "none" else ["x"]
    for word in sorted(all_keywords & set(SAMPLE)):
        pair = [word] if SAMPLE[word] is None else [word, SAMPLE[word]]
        _, said = parse_error(path.split() + before + pair + pair)
        accepted = "is given more than once" in said
        check("parser: %s %s" % (path, word), word in grammar.keywords[path], accepted)
    if positional == "none":
        status, _ = parse_error(path.split() + ["help"])
        check("parser: %s help" % path, 0, status)
for group in sorted(grammar.groups):
    _, said = parse_error(group.split() + ["bogus"])
    check("parser: %s bogus" % group, True, "not found" in said)
    for child in sorted(grammar.children(group)):
        _, said = parse_error(group.split() + [child, "help"])
        check("parser: %s %s" % (group, child), False, "not found" in said)

failed = 0
for number, (name, ok, want, got) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", number, name))
    if not ok:
        failed += 1
        print("# grammar: %s" % (sorted(want) if isinstance(want, set) else want))
        print("# found:   %s" % (sorted(got) if isinstance(got, set) else got))
print("1..%d" % len(results))
sys.exit(1 if failed else 0)

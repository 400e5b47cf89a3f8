#!/usr/bin/env python3
"""Fails when a source file of src/ breaks the layer order of docs/architecture.md.

The rules are the block fenced as ```layers in docs/architecture.md, one module a line:
    MODULE: MODULES IT MAY INCLUDE
A module is a folder of src/ (`adapters/*` stands for each folder of adapters/ that holds
sources; a longer pattern wins); every module may include itself; `*` allows everything.
Besides the includes, two reads of the outside world are confined to their adapters: the
clock (only in adapters/clock) and the environment (only in main). Unit tests (*_test.cc,
*_pgtest.cc) may include the adapters they run against and read the clock; the environment
rule holds for them too.

    tools/check-layers.py [REPO]        exit 0 when clean, 1 with one line per violation
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
CLOCK = re.compile(r'\b(system_clock|steady_clock|high_resolution_clock|utc_clock|file_clock)'
                   r'::now\b|\bgettimeofday\s*\(|\bclock_gettime\s*\(|\btime\s*\(\s*(nullptr|NULL|0)\s*\)')
ENVIRON = re.compile(r'\b(secure_)?getenv\s*\(|\benviron\b|\bsetenv\s*\(')
CLOCK_HOME = 'adapters/clock'
ENVIRON_HOME = 'main'


def read_rules(repo):
    text = (repo / 'docs' / 'architecture.md').read_text(encoding='utf-8')
    block = re.search(r'^```layers\n(.*?)^```', text, re.S | re.M)
    if not block:
        sys.exit('check-layers: docs/architecture.md has no ```layers block')
    rules = {}
    for line in block.group(1).splitlines():
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        name, _, allowed = line.partition(':')
        rules[name.strip()] = set(allowed.split())
    return rules


def modules_of(repo, rules):
    """Maps each module folder (relative to src/) to the rule that governs it."""
    src = repo / 'src'
    found = {}
    for name in sorted(rules, key=len):  # a longer pattern is more specific and wins
        if name.endswith('/*'):
            parent = name[:-2]
            for d in sorted((src / parent).rglob('*')):
                if d.is_dir() and any(f.suffix in ('.cc', '.h') for f in d.iterdir()):
                    found[d.relative_to(src).as_posix()] = name
        else:
            found[name] = name
    return found


def module_for(path, modules):
    """The longest module folder that holds `path` (relative to src/), or None."""
    best = None
    for m in modules:
        if path == m or path.startswith(m + '/'):
            if best is None or len(m) > len(best):
                best = m
    return best


def allowed(from_mod, to_mod, modules, rules):
    if from_mod == to_mod:
        return True
    granted = rules[modules[from_mod]]
    if '*' in granted:
        return True
    # An adapter's rule names layers (core, domain, ports), never another adapter.
    return to_mod in granted or modules[to_mod] in granted


def code_lines(text):
    """The lines of a C++ file with // comments and string literals blanked."""
    for number, line in enumerate(text.splitlines(), 1):
        line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
        yield number, line.split('//', 1)[0]


def check_file(repo, f, modules, rules, problems):
    rel = f.relative_to(repo / 'src').as_posix()
    mod = module_for(rel, modules)
    if mod is None:
        problems.append(f'src/{rel}: in no module of the ```layers block of docs/architecture.md')
        return
    is_test = f.stem.endswith('_test') or f.stem.endswith('_pgtest')
    text = f.read_text(encoding='utf-8', errors='replace')
    for number, line in enumerate(text.splitlines(), 1):
        m = INCLUDE.match(line)
        if not m or is_test:
            continue
        target = m.group(1)
        to_mod = module_for(pathlib.PurePosixPath(target).parent.as_posix(), modules)
        if to_mod is None:
            continue  # a header beside the file, or a generated one
        if not allowed(mod, to_mod, modules, rules):
            problems.append(f'src/{rel}:{number}: {mod} may not include "{target}" ({to_mod})')
    for number, line in code_lines(text):
        if CLOCK.search(line) and mod != CLOCK_HOME and not is_test:
            problems.append(f'src/{rel}:{number}: reads the clock outside {CLOCK_HOME} '
                            '(take a ports::Clock)')
        if ENVIRON.search(line) and mod != ENVIRON_HOME:
            problems.append(f'src/{rel}:{number}: reads the environment outside {ENVIRON_HOME}')


def main():
    repo = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent)
    rules = read_rules(repo)
    modules = modules_of(repo, rules)
    problems = []
    files = sorted(p for p in (repo / 'src').rglob('*') if p.suffix in ('.cc', '.h'))
    for f in files:
        check_file(repo, f, modules, rules, problems)
    for p in problems:
        print(p)
    print(f'check-layers: {len(files)} files, {len(problems)} violations')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sum up a `make check` run.

Reads, for each KUnit configuration named on the command line,
build/kunit/<config>.json and .rc (written by scripts/kunit.sh), checks that
every suite kunit/suites expects of that configuration ran, adds the static
checks of build/check/*.results, prints a table and ends with the line
"N passed, N failed, N skipped".  A skipped case is not a pass; a
configuration whose kernel crashed, timed out or left no results counts as
a failure.  Writes the same figures to build/check/summary.json.  Exits 1
on any failure.
"""
import fnmatch
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')


def cases(group, prefix=''):
    """Yield (name, status) for every test case of a kunit.py JSON group."""
    name = group.get('name', '')
    here = prefix + name + '.' if name and name != 'KUnit Test Group' else prefix
    for case in group.get('test_cases', []):
        yield here + case['name'], case['status']
    for sub in group.get('sub_groups', []):
        yield from cases(sub, here)


def suites_ran(group):
    return {g['name'] for g in group.get('sub_groups', [])}


def expected_suites(config):
    want = []
    path = os.path.join(ROOT, 'kunit', 'suites')
    with open(path) as f:
        for line in f:
            line = line.split('#')[0].split()
            if not line:
                continue
            suite, globs = line[0], line[1:] or ['all']
            if any(g == 'all' or fnmatch.fnmatch(config, g) for g in globs):
                want.append(suite)
    return want


# Kernel console lines that mean something went wrong even when every case
# passed: warnings, oopses, lockdep and KASAN reports.
SPLATS = re.compile(r'(WARNING: CPU: \d+ PID: \d+ at .*|BUG: .*|'
                    r'WARNING: possible .*|WARNING: suspicious RCU usage.*|'
                    r'Kernel panic - .*|general protection fault.*|'
                    r'UBSAN: .*|KASAN: .*|=+\n?\[ BUG: .*)')


# Compiler warnings in ptwalk's own files (all named pt_walk*).
BUILD_WARNING = re.compile(r'(\S*pt_walk[^:\s]*:\d+:\d+: (warning|error): .*)')


def grep_file(path, pattern):
    """The first group of every line of @path that @pattern matches."""
    found = []
    try:
        with open(path, errors='replace') as f:
            for line in f:
                m = pattern.search(line)
                if m:
                    found.append(m.group(1).strip())
    except OSError:
        pass
    return found


def splats(config):
    """Warning and oops lines of a configuration's console log."""
    return grep_file(os.path.join(BUILD, 'kunit', config + '.log'), SPLATS)


def build_warnings(config):
    """Compiler warnings about ptwalk's files in kunit.py's output."""
    return sorted(set(grep_file(os.path.join(BUILD, 'kunit', config + '.out'),
                                BUILD_WARNING)))


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def main(configs):
    rows = []          # (config, passed, failed, skipped, notes)
    failures = []
    total = {'passed': 0, 'failed': 0, 'skipped': 0}
    report = {'configurations': {}, 'static': []}

    for cfg in configs:
        p = f = s = 0
        notes = []
        rc = read(os.path.join(BUILD, 'kunit', cfg + '.rc'))
        raw = read(os.path.join(BUILD, 'kunit', cfg + '.json'))
        results = []
        try:
            tree = json.loads(raw) if raw else None
        except ValueError:
            tree = None
        if tree is None:
            f += 1
            notes.append('no results (build failed or kernel crashed)')
            failures.append(f'{cfg}: no KUnit results, see build/kunit/{cfg}.out')
        else:
            for name, status in cases(tree):
                results.append({'name': name, 'status': status})
                if status == 'PASS':
                    p += 1
                elif status == 'SKIP':
                    s += 1
                else:
                    f += 1
                    failures.append(f'{cfg}: {name}: {status}')
            ran = suites_ran(tree)
            for suite in expected_suites(cfg):
                if suite not in ran:
                    f += 1
                    notes.append(f'suite {suite} missing')
                    failures.append(f'{cfg}: suite {suite} did not run')
            for w in build_warnings(cfg):
                f += 1
                notes.append('compiler warning')
                failures.append(f'{cfg}: {w}')
            warned = splats(cfg)
            if warned:
                f += 1
                notes.append(f'{len(warned)} kernel warnings')
                failures.append(f'{cfg}: kernel warning in build/kunit/{cfg}.log: '
                                f'{warned[0]}')
            if rc != '0' and f == 0:
                f += 1
                notes.append(f'kunit.py exit status {rc}')
                failures.append(f'{cfg}: kunit.py failed (status {rc}), '
                                f'see build/kunit/{cfg}.out')
        rows.append((cfg, p, f, s, '; '.join(notes)))
        total['passed'] += p
        total['failed'] += f
        total['skipped'] += s
        report['configurations'][cfg] = {
            'passed': p, 'failed': f, 'skipped': s, 'kunit_rc': rc,
            'notes': notes, 'cases': results}

    checks = os.path.join(BUILD, 'check')
    static = []
    for name in sorted(os.listdir(checks)) if os.path.isdir(checks) else []:
        if not name.endswith('.results'):
            continue
        with open(os.path.join(checks, name)) as fh:
            for line in fh:
                parts = line.rstrip('\n').split(' ', 2)
                if len(parts) < 2:
                    continue
                verdict, check = parts[0], parts[1]
                detail = parts[2] if len(parts) > 2 else ''
                static.append((verdict, check, detail))
    for verdict, check, detail in static:
        report['static'].append({'check': check, 'verdict': verdict,
                                 'detail': detail})
        if verdict == 'PASS':
            total['passed'] += 1
        elif verdict == 'SKIP':
            total['skipped'] += 1
        else:
            total['failed'] += 1
            failures.append(f'{check}: {detail}')

    print()
    print(f'{"configuration":<16} {"passed":>6} {"failed":>6} {"skipped":>7}  notes')
    for cfg, p, f, s, notes in rows:
        print(f'{cfg:<16} {p:>6} {f:>6} {s:>7}  {notes}')
    if static:
        sp = sum(1 for v, _, _ in static if v == 'PASS')
        ss = sum(1 for v, _, _ in static if v == 'SKIP')
        print(f'{"static checks":<16} {sp:>6} {len(static) - sp - ss:>6} '
              f'{ss:>7}  checkpatch --strict, sparse, per-patch builds, '
              'selftests')
    if failures:
        print('\nfailures:')
        for line in failures:
            print('  ' + line)
    if total['passed'] == 0:
        total['failed'] += 1
        print('\nno test passed: counted as a failure')
    report['total'] = total
    os.makedirs(checks, exist_ok=True)
    with open(os.path.join(checks, 'summary.json'), 'w') as fh:
        json.dump(report, fh, indent=2)
    print()
    print(f'{total["passed"]} passed, {total["failed"]} failed, '
          f'{total["skipped"]} skipped')
    return 1 if total['failed'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

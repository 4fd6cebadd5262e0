#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The comparison against the legacy walkers: speed and codegen.

Reads the benchmark's results (build/bench/<platform>.results, written by
scripts/bench.sh: "scenario|walker|median ns|pages|range pages|reps") and
the codegen report of scripts/codegen.sh (build/codegen/report.md), writes
build/bench/results.json, build/bench/report.md and build/bench/chart.png
(gnuplot), and prints the comparison table.  Figures, not tests: it fails
only when there is nothing to report.
"""
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')
BENCH = os.path.join(BUILD, 'bench')
RAW = 'raw pgd..pte loop'


def read_results(platform):
    path = os.path.join(BENCH, platform + '.results')
    rows = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.strip().split('|')
                if len(parts) not in (6, 7):
                    continue
                scenario, walker, ns, pages, span, reps = parts[:6]
                # The benchmark adds the leaves of the range (at their
                # levels); the users' view has none.
                leaves = int(parts[6]) if len(parts) == 7 else None
                rows.append({'platform': platform, 'scenario': scenario,
                             'walker': walker, 'median_ns': int(ns),
                             'pages': int(pages), 'range_pages': int(span),
                             'reps': int(reps), 'leaves': leaves})
    except OSError:
        pass
    return rows


def add_ratios(rows):
    raw = {(r['platform'], r['scenario']): r['median_ns'] for r in rows
           if r['walker'] == RAW}
    for r in rows:
        r['ns_per_page'] = r['median_ns'] / r['pages'] if r['pages'] else None
        # Walkers per address look up every page: no cost per leaf.
        per_address = 'seek' in r['walker'] or 'per page' in r['walker']
        r['ns_per_leaf'] = r['median_ns'] / r['leaves'] \
            if r['leaves'] and not per_address else None
        base = raw.get((r['platform'], r['scenario']))
        r['x_raw'] = r['median_ns'] / base if base else None


def find(rows, platform, scenario, walker):
    for r in rows:
        if (r['platform'], r['scenario'], r['walker']) == (platform, scenario, walker):
            return r
    return None


def targets(rows):
    """The targets of the brief, as measured (figures, not verdicts of tests)."""
    out = []
    for plat in sorted({r['platform'] for r in rows}):
        for scen in sorted({r['scenario'] for r in rows if r['platform'] == plat}):
            g = lambda w: find(rows, plat, scen, w)
            leaf, pte = g('for_each_pt_leaf locked'), g('walk_page_range pte_entry')
            fw, seek = g('folio_walk_start per page'), g('mm_walk_seek_vma_leaf')
            seekl = g('mm_walk_seek_leaf lockless')
            where = f'{plat} {scen}'
            huge = scen.startswith('thp') or scen.startswith('hugetlb')
            if leaf and leaf['x_raw']:
                # Huge leaves: per leaf, within 2x of the raw loop.
                out.append((where, 'for_each_pt_leaf locked / raw loop', leaf['x_raw'],
                            '<= 2.00' if huge else '<= 1.10'))
            if leaf and pte:
                out.append((where, 'pte_entry walk / for_each_pt_leaf locked',
                            pte['median_ns'] / leaf['median_ns'], '>= 4.00'))
            if fw and seek:
                out.append((where, 'mm_walk_seek_vma_leaf / folio_walk_start',
                            seek['median_ns'] / fw['median_ns'], '<= 1.00'))
            if fw and seekl:
                out.append((where, 'mm_walk_seek_leaf lockless / folio_walk_start',
                            seekl['median_ns'] / fw['median_ns'], '<= 0.50'))
    return out


def met(value, target):
    op, bound = target.split()
    return value <= float(bound) if op == '<=' else value >= float(bound)


def codegen_summary():
    path = os.path.join(BUILD, 'codegen', 'report.md')
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None, []
    totals = []
    arch = None
    for line in text.splitlines():
        m = re.match(r'## (\S+)', line)
        if m:
            arch = m.group(1)
        m = re.match(r'\| (\S+\.o|\*\*all of them[^*]*\*\*) \| (\d+) \| (\d+) \| ([+-]\d+) \|',
                     line)
        if m and arch:
            totals.append((arch, m.group(1).strip('*'), int(m.group(2)),
                           int(m.group(3)), int(m.group(4))))
    return text, totals


def chart(rows, png):
    gnuplot = shutil.which('gnuplot')
    if not gnuplot or not rows:
        return False
    data = os.path.join(BENCH, 'chart.dat')
    scenarios = sorted({(r['platform'], r['scenario']) for r in rows})
    walkers = []
    for r in rows:
        if r['walker'] not in walkers:
            walkers.append(r['walker'])
    with open(data, 'w') as f:
        f.write('walker ' + ' '.join(f'"{p} {s}"' for p, s in scenarios) + '\n')
        for w in walkers:
            vals = []
            for p, s in scenarios:
                r = find(rows, p, s, w)
                vals.append(f'{r["ns_per_page"]:.3f}' if r else '-')
            f.write(f'"{w}" ' + ' '.join(vals) + '\n')
    script = f'''
set terminal pngcairo size 1100,600 noenhanced
set output "{png}"
set title "ns per mapped 4K page (median); log scale"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "ns / page"
set xtics rotate by -30
set key top left
set datafile missing "-"
plot for [i=2:{len(scenarios) + 1}] "{data}" using i:xtic(1) title columnheader(i)
'''
    res = subprocess.run([gnuplot], input=script, text=True,
                         capture_output=True)
    if res.returncode != 0 or not os.path.exists(png):
        # pngcairo may be missing (gnuplot-nox): fall back to the png terminal.
        script = script.replace('pngcairo size 1100,600 noenhanced',
                                'png size 1100,600')
        res = subprocess.run([gnuplot], input=script, text=True,
                             capture_output=True)
    return res.returncode == 0 and os.path.exists(png)


def table(rows):
    lines = ['| platform | scenario | walker | ns/4K page | ns/leaf | x raw loop |',
             '|---|---|---|---|---|---|']
    for r in rows:
        leaf = f"{r['ns_per_leaf']:.2f}" if r['ns_per_leaf'] else '-'
        lines.append(f"| {r['platform']} | {r['scenario']} | {r['walker']} | "
                     f"{r['ns_per_page']:.2f} | {leaf} | {r['x_raw']:.2f} |")
    return lines


def main(platforms):
    rows = []
    for p in platforms:
        rows += read_results(p)
    if not rows:
        print('bench-report: no benchmark results in build/bench/', file=sys.stderr)
        return 1
    add_ratios(rows)
    tg = targets(rows)
    cg_text, cg_totals = codegen_summary()
    png = os.path.join(BENCH, 'chart.png')
    have_chart = chart(rows, png)
    users = users_view()

    with open(os.path.join(BENCH, 'results.json'), 'w') as f:
        json.dump({'bench': rows,
                   'targets': [{'where': w, 'what': what, 'value': round(v, 3),
                                'target': t, 'met': met(v, t)}
                               for w, what, v, t in tg],
                   'users_view': users,
                   'codegen': [{'arch': a, 'object': o, 'base': b,
                                'patched': p, 'change': c}
                               for a, o, b, p, c in cg_totals]}, f, indent=2)

    md = ['# ptwalk: comparison against the legacy walkers', '',
          'Speed: medians of interleaved repetitions in one boot over the same',
          'populated mm (scripts/bench.sh); ratios are taken within one run.',
          'Codegen: scripts/codegen.sh (x86_64 and arm64 defconfig).', '',
          '## Speed', ''] + table(rows) + ['']
    if have_chart:
        md += ['![ns per page](chart.png)', '']
    md += ['## Targets (figures, not tests)', '',
           '| where | ratio | measured | target | met |', '|---|---|---|---|---|']
    for w, what, v, t in tg:
        md.append(f'| {w} | {what} | {v:.2f} | {t} | {"yes" if met(v, t) else "no"} |')
    md.append('')
    if users:
        md += ["## Users' view", '',
               'A static program (bench/users/ptwalk_users.c) timing system calls',
               'over populated mappings, on the base and on the patched kernel',
               '(scripts/users-bench.sh; qemu-system-x86_64, TCG; medians of 7).', '',
               '| scenario | call | pages | base ns | patched ns | patched/base |',
               '|---|---|---|---|---|---|']
        for u in users:
            md.append(f"| {u['scenario']} | {u['call']} | {u['pages']} | {u['base_ns']} | "
                      f"{u['patched_ns']} | {u['patched_over_base']:.2f} |")
        md.append('')
    if cg_text:
        md += ['## Codegen', ''] + cg_text.splitlines()[1:]
    with open(os.path.join(BENCH, 'report.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')

    print()
    print('Comparison against the legacy walkers (medians; ns per mapped 4K page,'
          ' ns per leaf, x = ratio to the raw loop)')
    width = max(len(r['walker']) for r in rows)
    for scen in sorted({(r['platform'], r['scenario']) for r in rows}):
        print(f'\n  {scen[0]}, {scen[1]}:')
        for r in rows:
            if (r['platform'], r['scenario']) == scen:
                leaf = f"{r['ns_per_leaf']:9.2f}" if r['ns_per_leaf'] else '        -'
                print(f"    {r['walker']:<{width}}  {r['ns_per_page']:8.2f} ns/page "
                      f"{leaf} ns/leaf  {r['x_raw']:7.2f}x")
    print('\n  targets:')
    for w, what, v, t in tg:
        print(f'    {w}: {what} = {v:.2f} (target {t}): '
              f'{"met" if met(v, t) else "missed"}')
    if users:
        print("\n  users' view (QEMU, patched/base time):")
        for u in users:
            print(f"    {u['scenario']:<11} {u['call']:<13} {u['patched_over_base']:5.2f}")
    if cg_totals:
        print('\n  codegen (text+data bytes, base -> patched):')
        for a, o, b, p, c in cg_totals:
            print(f'    {a:<7} {o:<16} {b:>6} -> {p:>6}  {c:+d}')
    print(f'\n  full report: build/bench/report.md'
          f'{", build/bench/chart.png" if have_chart else ""}, build/bench/results.json')
    return 0


def platforms_found():
    """The platforms scripts/bench.sh left results for, UML first."""
    found = [f[:-len('.results')] for f in sorted(os.listdir(BENCH))
             if f.endswith('.results') and '-users' not in f] \
        if os.path.isdir(BENCH) else []
    return sorted(found, key=lambda p: (p != 'um', p))


def users_view():
    """scripts/users-bench.sh: the same programs on the base and patched kernels."""
    base = {(r['scenario'], r['walker']): r for r in read_results('qemu-base-users')}
    patched = {(r['scenario'], r['walker']): r for r in read_results('qemu-patched-users')}
    rows = []
    for key, b in base.items():
        p = patched.get(key)
        if p and b['median_ns']:
            rows.append({'scenario': key[0], 'call': key[1], 'pages': b['pages'],
                         'base_ns': b['median_ns'], 'patched_ns': p['median_ns'],
                         'patched_over_base': p['median_ns'] / b['median_ns']})
    return rows


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:] or platforms_found()))

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
    return read_results_path(os.path.join(BENCH, platform + '.results'), platform)


def read_results_path(path, platform=None):
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


LEGACY = {'anon-4k': 'walk_page_range pte_entry', 'sparse': 'walk_page_range pte_entry',
          'thp': 'walk_page_range pmd_entry', 'hugetlb-2M': '6.12 hugetlb walk',
          'hugetlb-1G': '6.12 hugetlb walk', 'contpte-64K': 'walk_page_range pte_entry'}
FOLIO = 'folio_walk_start per page'
SMALL = ('anon-4k', 'sparse')
HUGE = ('thp', 'hugetlb-2M', 'hugetlb-1G')
CONT = ('contpte-64K',)

# The targets of the speed issue: (scenarios, what, numerator, denominator,
# bound).  A denominator of None is the legacy walker of the scenario.
TARGETS = [
    (SMALL, 'for_each_pt_leaf locked / raw loop', 'for_each_pt_leaf locked', RAW, '<= 1.20'),
    (SMALL, 'for_each_pt_leaf lockless / raw loop', 'for_each_pt_leaf lockless', RAW, '<= 1.20'),
    (SMALL, 'pte_entry walk / for_each_pt_leaf locked', 'walk_page_range pte_entry',
     'for_each_pt_leaf locked', '>= 2.00'),
    (SMALL, 'leaf_entry walk / pte_entry walk', 'walk_page_range leaf_entry',
     'walk_page_range pte_entry', '<= 1.00'),
    (SMALL, 'leaf_entry walk with runs / raw loop', 'walk_page_range leaf_entry runs', RAW,
     '<= 1.50'),
    (HUGE, 'for_each_pt_leaf locked / legacy walker', 'for_each_pt_leaf locked', None,
     '<= 1.00'),
    (HUGE, 'for_each_pt_leaf lockless / raw loop', 'for_each_pt_leaf lockless', RAW, '<= 2.00'),
    (SMALL + HUGE, 'mm_walk_seek_vma_leaf / folio_walk_start', 'mm_walk_seek_vma_leaf', FOLIO,
     '<= 1.00'),
    (SMALL + HUGE, 'mm_walk_seek_leaf lockless / folio_walk_start',
     'mm_walk_seek_leaf lockless', FOLIO, '<= 0.60'),
    # arm64 contpte (64K mTHPs): a block read once, not once a PTE.
    (CONT, 'for_each_pt_leaf locked / raw loop', 'for_each_pt_leaf locked', RAW, '<= 0.50'),
    (CONT, 'for_each_pt_leaf lockless / raw loop', 'for_each_pt_leaf lockless', RAW,
     '<= 0.50'),
    (CONT, 'leaf_entry walk / pte_entry walk', 'walk_page_range leaf_entry',
     'walk_page_range pte_entry', '<= 0.50'),
    (CONT, 'leaf_entry walk with runs / raw loop', 'walk_page_range leaf_entry runs', RAW,
     '<= 0.50'),
    (CONT, 'mm_walk_seek_vma_leaf / folio_walk_start', 'mm_walk_seek_vma_leaf', FOLIO,
     '<= 1.00'),
]


def read_insn(path):
    """scripts/insn-profile.sh bench: scenario|walker|instructions|pages|..."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                p = line.strip().split('|')
                if len(p) >= 6:
                    out[(p[0], p[1])] = int(p[2])
    except OSError:
        pass
    return out


def read_insn_top(path):
    """The top functions of each walker: {(scenario, walker): [(fn, insns)]},
    with the walker's pages and leaves."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                p = line.strip().split('|')
                if len(p) >= 7 and p[6]:
                    top = [(x.rsplit(':', 1)[0], int(x.rsplit(':', 1)[1]))
                           for x in p[6].split(',')]
                    out[(p[0], p[1])] = (top, int(p[3]), int(p[5]))
    except OSError:
        pass
    return out


# What is left in each target that may be missed, and what would remove it
# (from the profiles and the loops' disassembly; see README "Speed").
MISS_NOTES = {
    'for_each_pt_leaf locked / raw loop':
        'Per PTE the inline step is the raw loop (load, present test, pointer and '
        'address steps, bound) with a branch on the present bit, and the body\'s '
        'count goes through the join of the fast and the slow stop: 9 instructions '
        'against 7 on x86_64 (arm64: 1.2x).  The rest, about half an instruction '
        'per PTE, is the out-of-line step at each table: unlock, descent, lock.  '
        'Closing it would take a second copy of the body for fast stops in every '
        'loop (code size in every caller).',
    'for_each_pt_leaf lockless / raw loop':
        'As the locked loop: the same inline step, without the lock.',
    'leaf_entry walk / pte_entry walk':
        'leaf_entry reads its stop from the cursor: 5 stores per PTE (entry '
        'pointer, entry, type, start, end) that pte_entry\'s register arguments do '
        'not need, on top of the same indirect call.  With MM_WALK_RUNS (as '
        'mincore() walks) or in a for_each_pt_leaf() loop the cost goes.',
    'leaf_entry walk with runs / raw loop':
        'Every run is a stop of the out-of-line step (skip, one step, extend), '
        'about 60 instructions a run: on the sparse layout, with short runs, that '
        'is per few PTEs.  Extending runs in the inline step would remove it.',
    'mm_walk_seek_vma_leaf / folio_walk_start':
        'The cursor\'s set-up (17 stores) and mm_walk_end(), about 70 instructions '
        'a seek, against folio_walk_start()\'s inline set-up; the descent itself '
        'stores the entry pointer and value at each level.  A seek-only set-up and '
        'a descent that keeps the entries in registers until the stop would take '
        'most of it.',
    'mm_walk_seek_leaf lockless / folio_walk_start':
        'The lockless seek takes no lock, but pays mm_walk_begin() (the range and '
        'mode checks, 41), the seek\'s own checks (29) and mm_walk_end() (20) on '
        'top of a descent as long as the locked one.  0.6 would take an '
        'inline lockless seek (as gup_fast\'s own chain) writing the cursor '
        'only at the stop.',
}


def miss_profiles(tg):
    """For each missed target, where the numerator walker's instructions go
    (x86_64), per 4K page and per leaf."""
    tops = read_insn_top(os.path.join(BENCH, 'insn-x86_64.results'))
    lines, seen = [], set()
    for t in tg:
        if verdict(t) == 'met':
            continue
        for scens, what, num, den, bound in TARGETS:
            if what != t['what']:
                continue
            for w in (num, den or LEGACY.get(t['scenario'])):
                key = (t['scenario'], w)
                if key in seen or key not in tops:
                    continue
                seen.add(key)
                top, pages, leaves = tops[key]
                per = 'leaf' if t['scenario'] in HUGE and 'seek' not in w \
                    and 'folio' not in w else 'page'
                div = leaves if per == 'leaf' else pages
                lines.append(f"| {t['scenario']} | {w} | " +
                             ', '.join(f'{fn} {n / div:.1f}' for fn, n in top) +
                             f' | per {per} |')
    if not lines:
        return []
    notes = []
    for what in dict.fromkeys(t['what'] for t in tg if verdict(t) != 'met'):
        if what in MISS_NOTES:
            notes += [f'- **{what}**: {MISS_NOTES[what]}']
    return ['## Where the cost of the misses is', '',
            'The top functions of the walkers of each missed target, x86_64,',
            'instructions (inclusive of nothing: each function its own).', '',
            '| scenario | walker | top functions | |', '|---|---|---|---|'] + lines + [''] + \
        (['What is left, and what would remove it:', ''] + notes + [''] if notes else [])


def ns_table(path):
    return {(r['scenario'], r['walker']): r['median_ns'] for r in read_results_path(path)}


def ratio(data, scen, num, den):
    den = den or LEGACY.get(scen)
    a, b = data.get((scen, num)), data.get((scen, den))
    return a / b if a is not None and b else None


def targets(rows):
    """Each target, before and after: UML ns and exact instructions."""
    sets = {
        'ns UML': (ns_table(os.path.join(ROOT, 'bench', 'baseline', 'um.results')),
                   ns_table(os.path.join(BENCH, 'um.results'))),
    }
    for arch in ('x86_64', 'arm64'):
        sets[f'insn {arch}'] = (
            read_insn(os.path.join(ROOT, 'bench', 'baseline', f'insn-{arch}.results')),
            read_insn(os.path.join(BENCH, f'insn-{arch}.results')))
    out = []
    for scens, what, num, den, bound in TARGETS:
        for scen in scens:
            cols = {}
            for name, (before, after) in sets.items():
                cols[name] = (ratio(before, scen, num, den), ratio(after, scen, num, den))
            if all(v[1] is None for v in cols.values()):
                continue
            out.append({'scenario': scen, 'what': what, 'target': bound, 'cols': cols})
    return out


def verdict(t):
    """met when every measure taken after meets the bound."""
    vals = [v[1] for v in t['cols'].values() if v[1] is not None]
    return 'met' if vals and all(met(v, t['target']) for v in vals) else 'missed'


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


def fmt(v):
    return f'{v:.2f}' if v is not None else '-'


def parity_pairs(rows, users):
    """Each new path against the legacy one it replaces: (label, ns ratio,
    x86_64 instruction ratio); 1.0 is parity."""
    um = {(r['scenario'], r['walker']): r['median_ns'] for r in rows if r['platform'] == 'um'}
    ins = read_insn(os.path.join(BENCH, 'insn-x86_64.results'))
    pairs = []
    for scen in SMALL + HUGE:
        for new, old in (('for_each_pt_leaf locked', None), ('walk_page_range leaf_entry', None),
                         ('mm_walk_seek_vma_leaf', FOLIO), ('mm_walk_seek_leaf lockless', FOLIO)):
            a, b = ratio(um, scen, new, old), ratio(ins, scen, new, old)
            if a is not None or b is not None:
                short = new.replace('walk_page_range ', '').replace('mm_walk_', '')
                pairs.append((f'{scen}: {short}', a, b))
    for u in users:
        pairs.append((f"{u['scenario']}: {u['call']} (users)", u['patched_over_base'],
                      u.get('distro_insn_ratio', u.get('insn_ratio'))))
    return pairs


def chart(pairs, png):
    gnuplot = shutil.which('gnuplot')
    if not gnuplot or not pairs:
        return False
    data = os.path.join(BENCH, 'chart.dat')
    with open(data, 'w') as f:
        f.write('path "time (UML ns; users: QEMU ns)" "instructions (x86_64)"\n')
        for label, a, b in pairs:
            f.write(f'"{label}" {fmt(a)} {fmt(b)}\n')
    height = max(600, 22 * len(pairs) + 150)
    script = f'''
set terminal pngcairo size 1200,{height} noenhanced
set output "{png}"
set title "new path / the legacy path it replaces (1.0 = parity; below is faster)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.05:*]
set ylabel "ratio"
set xtics rotate by -60 font ",8"
set key top left
set grid ytics
set datafile missing "-"
plot "{data}" using 2:xtic(1) title columnheader(2), "" using 3 title columnheader(3), 1 notitle lw 2 lc rgb "black"
'''
    res = subprocess.run([gnuplot], input=script, text=True,
                         capture_output=True)
    if res.returncode != 0 or not os.path.exists(png):
        # pngcairo may be missing (gnuplot-nox): fall back to the png terminal.
        script = script.replace(f'pngcairo size 1200,{height} noenhanced',
                                f'png size 1200,{height}')
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


def target_lines(tg):
    names = list(tg[0]['cols']) if tg else []
    head = '| scenario | ratio | target | ' + ' | '.join(f'{n} before -> after' for n in names) \
        + ' | met |'
    lines = [head, '|' + '---|' * (4 + len(names))]
    for t in tg:
        cells = [f'{fmt(b)} -> {fmt(a)}' for b, a in t['cols'].values()]
        lines.append(f"| {t['scenario']} | {t['what']} | {t['target']} | " + ' | '.join(cells)
                     + f' | {verdict(t)} |')
    return lines


def users_targets(users):
    """GUP: patched/base <= 1.0 everywhere and, the slow path, <= 0.5 on
    anon-4k; GUP-fast <= 1.0; pagemap
    <= 0.7 on anon-4k (MM_WALK_TABLE); mincore, pagemap, PAGEMAP_SCAN, smaps,
    smaps_rollup and numa_maps <= 1.0; in QEMU ns and in exact
    instructions."""
    out = []
    for u in users:
        bound = '<= 1.00'
        # The GUP slow path; GUP-fast (*_user_pages_fast) is held to 1.0.
        if u['scenario'] == 'anon-4k' and 'user_pages' in u['call'] \
                and 'fast' not in u['call']:
            bound = '<= 0.50'
        elif u['scenario'] == 'anon-4k' and u['call'] == 'pagemap read':
            bound = '<= 0.70'
        # Instructions decide where they were counted (TCG time moves by
        # 5-30% between runs), on the distro kernels (no DEBUG_VM) first;
        # within 0.5% of the bound is parity.
        ratio = u.get('distro_insn_ratio', u.get('insn_ratio'))
        if ratio is not None:
            ok = ratio <= float(bound.split()[1]) + 0.005
        else:
            ok = met(u['patched_over_base'], bound)
        out.append((u, bound, 'met' if ok else 'missed'))
    return out


# arm64 scenarios where 16 contiguous entries map one folio: a block is one
# stop of the patched walkers, 16 entries (and, for contpte, 16 folds of
# the block a PTE) for the base kernel's.
ARM64_BLOCKS = ('contpte-64K',)


def users_arm64():
    """make users-arm64: instructions per call on the arm64 distro kernels,
    GUP without gup_test's own.  Targets: mincore() and the GUP slow path
    <= 0.5 where a block is one stop (contpte), every call <= 1.0."""
    tb = read_insn_top(os.path.join(BENCH, 'insn-users-arm64-base.results'))
    tp = read_insn_top(os.path.join(BENCH, 'insn-users-arm64-patched.results'))
    b = read_insn(os.path.join(BENCH, 'insn-users-arm64-base.results'))
    p = read_insn(os.path.join(BENCH, 'insn-users-arm64-patched.results'))
    out = []
    for key, base in b.items():
        if key not in p:
            continue
        own = 'user_pages' in key[1]
        hb = dict(tb.get(key, ([], 0, 0))[0]).get(GUP_HARNESS, 0) if own else 0
        hp = dict(tp.get(key, ([], 0, 0))[0]).get(GUP_HARNESS, 0) if own else 0
        pages = tb.get(key, ([], 0, 0))[1] or 1
        ratio = (p[key] - hp) / (base - hb) if base - hb else None
        bound = '<= 1.00'
        slow = own and 'fast' not in key[1]
        if key[0] in ARM64_BLOCKS and (slow or key[1] == 'mincore()'):
            bound = '<= 0.50'
        ok = ratio is not None and ratio <= float(bound.split()[1]) + 0.005
        out.append({'scenario': key[0], 'call': key[1], 'pages': pages,
                    'base_insn': base - hb, 'patched_insn': p[key] - hp,
                    'ratio': ratio, 'target': bound,
                    'verdict': 'met' if ok else 'missed'})
    return out


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
    users = users_view()
    ut = users_targets(users)
    ua = users_arm64()
    png = os.path.join(BENCH, 'chart.png')
    have_chart = chart(parity_pairs(rows, users), png)

    with open(os.path.join(BENCH, 'results.json'), 'w') as f:
        json.dump({'bench': rows,
                   'targets': [{'scenario': t['scenario'], 'what': t['what'],
                                'target': t['target'], 'verdict': verdict(t),
                                'before_after': t['cols']} for t in tg],
                   'users_view': users,
                   'users_targets': [{'scenario': u['scenario'], 'call': u['call'],
                                      'target': b, 'verdict': v} for u, b, v in ut],
                   'users_view_arm64': ua,
                   'codegen': [{'arch': a, 'object': o, 'base': b,
                                'patched': p, 'change': c}
                               for a, o, b, p, c in cg_totals]}, f, indent=2)

    md = ['# ptwalk: comparison against the legacy walkers', '',
          'Speed: medians of interleaved repetitions in one boot over the same',
          'populated mm (scripts/bench.sh); ratios are taken within one run.',
          'Instructions: exact guest instruction counts under QEMU TCG, each walker',
          'once between two marker calls (scripts/insn-profile.sh bench;',
          'build/bench/insn-<arch>.txt has each walker\'s top functions).',
          'Codegen: scripts/codegen.sh (x86_64 and arm64 defconfig).', '']
    if have_chart:
        md += ['![new path / legacy path](chart.png)', '']
    md += ['## Targets', '',
           'Ratios of the benchmark, before the speed work (bench/baseline/) and now:',
           'UML ns, and instructions on x86_64 and arm64.  "met" when every measure',
           'taken now meets the target.', ''] + target_lines(tg) + [''] + miss_profiles(tg)
    if users:
        md += ["## Users' view", '',
               'A static program (bench/users/ptwalk_users.c) timing system calls',
               'over populated mappings, on the base and on the patched kernel',
               '(scripts/users-bench.sh; qemu-system-x86_64, TCG; medians of 7;',
               'GUP through gup_test, timed by the kernel, FOLL_WRITE, 512 pages a call),',
               'and their exact instructions from one run under the TCG plugin',
               '(system call entry to exit; build/bench/insn-users-*.txt).  The',
               'instructions decide "met" (TCG time moves by 5-30% between runs),',
               'within 0.5% of the target: those of the distro kernels (the same',
               'kernels without DEBUG_VM, built with -O2, kunit/users-distro.config)',
               'where counted; for GUP, without gup_test_ioctl\'s own instructions',
               '(the harness\'s loops and page release, whose code differs between the',
               'two kernels).  Time and the DEBUG_VM columns are the selftests',
               'kernels (DEBUG_VM, -Os as tinyconfig builds them).', '',
               '| scenario | call | pages | patched/base ns | '
               'DEBUG_VM insn/page base -> patched | DEBUG_VM p/b insn | '
               'distro insn/page base -> patched | distro p/b insn | target | met |',
               '|---|---|---|---|---|---|---|---|---|---|']

        def per_page(u, b, p):
            if not u.get(b):
                return '-'
            return f"{u[b] / u['pages']:.1f} -> {u[p] / u['pages']:.1f}"
        for u, bound, v in ut:
            md.append(f"| {u['scenario']} | {u['call']} | {u['pages']} | "
                      f"{u['patched_over_base']:.2f} | "
                      f"{per_page(u, 'base_insn', 'patched_insn')} | "
                      f"{fmt(u.get('insn_ratio'))} | "
                      f"{per_page(u, 'distro_base_insn', 'distro_patched_insn')} | "
                      f"{fmt(u.get('distro_insn_ratio'))} | {bound} | {v} |")
        md.append('')
    if ua:
        md += ["## Users' view on arm64", '',
               'The same program on arm64 (make users-arm64: qemu-system-aarch64',
               '-machine virt -cpu max, distro kernels, 4K pages, 48-bit VA), in exact',
               'instructions per call (TCG plugin; GUP without gup_test_ioctl\'s own),',
               'with the scenarios where 16 contiguous entries map one folio: 64K mTHP',
               '(contpte), hugetlb 64K (contiguous PTEs) and 32M (contiguous PMDs).',
               'build/bench/insn-users-arm64-*.txt have the top functions of each call.', '',
               '| scenario | call | pages | insn/page base -> patched | p/b | target | met |',
               '|---|---|---|---|---|---|---|']
        for u in ua:
            md.append(f"| {u['scenario']} | {u['call']} | {u['pages']} | "
                      f"{u['base_insn'] / u['pages']:.1f} -> "
                      f"{u['patched_insn'] / u['pages']:.1f} | {fmt(u['ratio'])} | "
                      f"{u['target']} | {u['verdict']} |")
        md.append('')
    perf = os.path.join(BENCH, 'users-arm64-perf.txt')
    if os.path.exists(perf):
        with open(perf) as f:
            lines = f.read().rstrip().splitlines()
        md += ["## Users' view on arm64: perf beside the plugin", '',
               'The same calls counted a second way: perf_event_open() in the guest',
               "(PERF_COUNT_HW_INSTRUCTIONS, QEMU's PMU, which counts retired",
               'instructions under -icount), against the TCG plugin.', '', '```'] + \
            lines + ['```', '']
    md += ['## Speed (UML, and x86_64 under QEMU: ratios only)', ''] + table(rows) + ['']
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
    print('\n  targets (before -> now: UML ns, x86_64 and arm64 instructions):')
    for t in tg:
        cells = ', '.join(f'{fmt(b)} -> {fmt(a)}' for b, a in t['cols'].values())
        print(f"    {t['scenario']}: {t['what']} {t['target']}: {cells}: {verdict(t)}")
    if users:
        print("\n  users' view (QEMU, patched/base: time, instructions with DEBUG_VM,"
              " instructions on the distro kernels):")
        for u, bound, v in ut:
            print(f"    {u['scenario']:<11} {u['call']:<26} {u['patched_over_base']:5.2f} "
                  f"{fmt(u.get('insn_ratio')):>5} {fmt(u.get('distro_insn_ratio')):>5}"
                  f"  ({bound}: {v})")
    if ua:
        print("\n  users' view on arm64 (instructions, patched/base):")
        for u in ua:
            print(f"    {u['scenario']:<11} {u['call']:<26} {fmt(u['ratio']):>5}"
                  f"  ({u['target']}: {u['verdict']})")
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
             if f.endswith('.results') and '-users' not in f
             and not f.startswith('insn-')] \
        if os.path.isdir(BENCH) else []
    return sorted(found, key=lambda p: (p != 'um', p))


GUP_HARNESS = 'gup_test_ioctl'


def users_view():
    """scripts/users-bench.sh: the same programs on the base and patched kernels."""
    base = {(r['scenario'], r['walker']): r for r in read_results('qemu-base-users')}
    patched = {(r['scenario'], r['walker']): r for r in read_results('qemu-patched-users')}
    ib = read_insn(os.path.join(BENCH, 'insn-users-base.results'))
    ip = read_insn(os.path.join(BENCH, 'insn-users-patched.results'))
    db = read_insn(os.path.join(BENCH, 'insn-users-distro-base.results'))
    dp = read_insn(os.path.join(BENCH, 'insn-users-distro-patched.results'))
    dtop = {k: dict(v[0]) for k, v in
            read_insn_top(os.path.join(BENCH, 'insn-users-distro-base.results')).items()}
    ptop = {k: dict(v[0]) for k, v in
            read_insn_top(os.path.join(BENCH, 'insn-users-distro-patched.results')).items()}
    rows = []
    for key, b in base.items():
        p = patched.get(key)
        if p and b['median_ns']:
            r = {'scenario': key[0], 'call': key[1], 'pages': b['pages'],
                 'base_ns': b['median_ns'], 'patched_ns': p['median_ns'],
                 'patched_over_base': p['median_ns'] / b['median_ns']}
            if ib.get(key) and ip.get(key):
                r.update(base_insn=ib[key], patched_insn=ip[key],
                         insn_ratio=ip[key] / ib[key])
            if db.get(key) and dp.get(key):
                # GUP: gup_test's own instructions (its loops, the release
                # of the pages) are the harness's, and its code is not the
                # same on both kernels (inlining): left out of both.
                hb = dtop.get(key, {}).get(GUP_HARNESS, 0) if 'user_pages' in key[1] else 0
                hp = ptop.get(key, {}).get(GUP_HARNESS, 0) if 'user_pages' in key[1] else 0
                r.update(distro_base_insn=db[key] - hb, distro_patched_insn=dp[key] - hp,
                         distro_insn_ratio=(dp[key] - hp) / (db[key] - hb))
            rows.append(r)
    return rows


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:] or platforms_found()))

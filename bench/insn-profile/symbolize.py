#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fold tbprof.c output ("vaddr ninsns count" per translation block) into
guest instructions per kernel function, with the kernel's System.map (the
guest booted with nokaslr).  A block is counted for the function its first
instruction is in; blocks end at branches and calls, so that is exact but
for the rare block that falls through a function's end.

With --phases LOG: the counts of each phase ("P phase vaddr ninsns count",
between the benchmark's marker calls), named by the "insn:" lines the
benchmark printed in LOG, in order: instructions per walker, per mapped
page and per leaf, and each walker's top functions."""
import argparse
import bisect
import re
import sys


def load_syms(path):
    syms = []
    with open(path) as f:
        for line in f:
            addr, kind, name = line.split()[:3]
            if kind in 'tTwW':
                syms.append((int(addr, 16), name))
    syms.sort()
    return syms


class Folder:
    def __init__(self, syms):
        self.syms = syms
        self.addrs = [s[0] for s in syms]
        self.start = self.addrs[0] if self.addrs else 0

    def name(self, vaddr):
        if vaddr < self.start:
            return '(user)'
        return self.syms[bisect.bisect_right(self.addrs, vaddr) - 1][1]


def flat(a, folder):
    agg, total, user = {}, 0, 0
    with open(a.tbprof_out) as f:
        for line in f:
            if line.startswith('#'):
                print(line.strip(), file=sys.stderr)
                continue
            if line.startswith('P '):
                continue
            vaddr, ninsn, count = line.split()
            vaddr, n = int(vaddr, 16), int(ninsn) * int(count)
            total += n
            name = folder.name(vaddr)
            if name == '(user)':
                user += n
                continue
            agg[name] = agg.get(name, 0) + n

    print(f'{total:>14} guest instructions in all ({user} outside the kernel text)')
    shown = 0
    for name, n in sorted(agg.items(), key=lambda x: -x[1]):
        if a.grep and not re.search(a.grep, name):
            continue
        print(f'{n:>14} {name}')
        shown += 1
        if shown == a.top:
            break


def phases(a, folder):
    names = []
    with open(a.phases, errors='replace') as f:
        for line in f:
            # The benchmark's "insn: scenario|walker|pages|range|leaves";
            # the users' view's "USERS-INSN scenario|walker|pages".
            m = re.search(r'(?:insn: |USERS-INSN )(.*)$', line)
            if m:
                f = m.group(1).strip().split('|')
                names.append((f + [f[2], f[2]])[:5])
    per = {}
    with open(a.tbprof_out) as f:
        for line in f:
            if not line.startswith('P '):
                continue
            _, ph, vaddr, ninsn, count = line.split()
            fn = folder.name(int(vaddr, 16))
            d = per.setdefault(int(ph), {})
            d[fn] = d.get(fn, 0) + int(ninsn) * int(count)
    if len(per) != len(names):
        sys.exit(f'symbolize: {len(per)} phases counted, {len(names)} named')
    res = open(a.results, 'w') if a.results else None
    print('# guest instructions per walker (one run between the markers)')
    print(f'# {"scenario":<11} {"walker":<30} {"instructions":>12} '
          f'{"per page":>9} {"per leaf":>9}')
    for i, (scen, walker, pages, rpages, leaves) in enumerate(names):
        d = per.get(i, {})
        total = sum(d.values())
        pages, leaves = int(pages), int(leaves)
        print(f'{scen:<13} {walker:<30} {total:>12} {total / pages:>9.1f} '
              f'{total / leaves:>9.1f}')
        top = sorted(d.items(), key=lambda x: -x[1])[:a.top]
        print('      ' + ', '.join(f'{fn} {n / pages:.1f}' for fn, n in top))
        if res:
            res.write(f'{scen}|{walker}|{total}|{pages}|{rpages}|{leaves}|'
                      + ','.join(f'{fn}:{n}' for fn, n in top) + '\n')
    if res:
        res.close()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('system_map')
    p.add_argument('tbprof_out')
    p.add_argument('--top', type=int, default=30, help='functions to list')
    p.add_argument('--grep', default='', help='only functions this regex matches')
    p.add_argument('--phases', help='console log naming the phases')
    p.add_argument('--results', help='with --phases: one line per phase')
    a = p.parse_args()
    folder = Folder(load_syms(a.system_map))
    if a.phases:
        if a.top == 30:
            a.top = 6
        phases(a, folder)
    else:
        flat(a, folder)


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fold tbprof.c output ("vaddr ninsns count" per translation block) into
guest instructions per kernel function, with the kernel's System.map (the
guest booted with nokaslr).  A block is counted for the function its first
instruction is in; blocks end at branches and calls, so that is exact but
for the rare block that falls through a function's end."""
import argparse
import bisect
import re
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('system_map')
    p.add_argument('tbprof_out')
    p.add_argument('--top', type=int, default=30, help='functions to list')
    p.add_argument('--grep', default='', help='only functions this regex matches')
    a = p.parse_args()

    syms = []
    with open(a.system_map) as f:
        for line in f:
            addr, kind, name = line.split()[:3]
            if kind in 'tTwW':
                syms.append((int(addr, 16), name))
    syms.sort()
    addrs = [s[0] for s in syms]
    kernel_start = addrs[0] if addrs else 0

    agg, total, user = {}, 0, 0
    with open(a.tbprof_out) as f:
        for line in f:
            if line.startswith('#'):
                print(line.strip(), file=sys.stderr)
                continue
            vaddr, ninsn, count = line.split()
            vaddr, n = int(vaddr, 16), int(ninsn) * int(count)
            total += n
            if vaddr < kernel_start:
                user += n
                continue
            i = bisect.bisect_right(addrs, vaddr) - 1
            agg[syms[i][1]] = agg.get(syms[i][1], 0) + n

    print(f'{total:>14} guest instructions in all ({user} outside the kernel text)')
    shown = 0
    for name, n in sorted(agg.items(), key=lambda x: -x[1]):
        if a.grep and not re.search(a.grep, name):
            continue
        print(f'{n:>14} {name}')
        shown += 1
        if shown == a.top:
            break


if __name__ == '__main__':
    main()

# SPDX-License-Identifier: GPL-2.0
#
# ptwalk: level-agnostic page table walking for Linux mm.
#
#   make              the main job: assemble build/linux, build it and run the
#                     KUnit walks on UML, x86_64 and arm64
#   make check        every test: static checks and the KUnit walks of every
#                     configuration, ending with "N passed, N failed"
#   make assemble     (re)assemble build/linux = base + new files + series
#   make writeback    write edits made in build/linux back into this repo
#   make kunit-CONFIG one KUnit configuration (see scripts/kunit.sh: um,
#                     x86_64, x86_64-no5lvl, x86_64-debug, arm64,
#                     arm64-nolpa2, arm64-39, arm64-16k, arm64-16k-52,
#                     arm64-16k-52-nolpa2, arm64-64k, riscv64, riscv64-sv48,
#                     riscv64-sv39, i386, i386-pae, s390x, ppc64le, arm, arm-lpae,
#                     mips64el-64k, mips64el-4k)
#   make checkpatch   checkpatch --strict on the new files and the series
#   make sparse       sparse on the project's objects (after a KUnit build)
#   make bench        the KUnit benchmark on UML and x86_64/QEMU (build/bench)
#   make codegen      bloat-o-meter, base against patched (build/codegen)
#   make users        mincore/pagemap/smaps timed on base and patched kernels
#   make users-arm64  the same calls on arm64, in instructions (contpte too)
#   make report       the comparison table and build/bench/report.md
#   make insn-profile guest instructions per kernel function under QEMU TCG
#                     (PROFILE_CONFIG=x86_64|arm64, FILTER=a kunit glob;
#                     after make kunit-x86_64 or kunit-arm64)
#   make insn-bench   guest instructions per walker of the benchmark, on
#                     x86_64 and arm64 (build/bench/insn-<arch>.txt)
#   make selftests    mm selftests, /proc differential, on the base and patched
#                     kernels, x86_64 and arm64 (make selftests-arm64: one)
#   make series       the whole series as mail-ready patches in build/series,
#                     a cover letter with the last figures, checked with git am
#   make bisect       every patch of the series built whole on its own, for
#                     x86_64 and arm64 with gcc and clang (TARGETS= one or
#                     more of x86_64-gcc x86_64-clang arm64-gcc arm64-clang)
#   make clean        remove the build outputs (keeps the unpacked base)
#   make distclean    remove build/ entirely

MAIN_CONFIGS := um x86_64 arm64
CONFIGS ?= um x86_64 x86_64-no5lvl arm64 arm64-nolpa2 x86_64-debug arm64-39 arm64-16k \
	arm64-16k-52 arm64-16k-52-nolpa2 arm64-64k riscv64 riscv64-sv48 riscv64-sv39 i386 \
	i386-pae s390x ppc64le arm arm-lpae mips64el-64k mips64el-4k
S := scripts

.PHONY: all main check assemble writeback checkpatch sparse bench codegen users users-arm64 report selftests series bisect clean distclean insn-profile insn-bench

all: main

main:
	MAIN_CONFIGS="$(MAIN_CONFIGS)" $(S)/main.sh

check:
	CONFIGS="$(CONFIGS)" $(S)/check.sh

assemble:
	$(S)/assemble.sh

writeback:
	$(S)/writeback.sh

kunit-%: assemble
	$(S)/kunit.sh $*

checkpatch: assemble
	$(S)/static-checks.sh checkpatch

sparse:
	$(S)/static-checks.sh sparse

bench: assemble
	$(S)/bench.sh um x86_64

codegen: assemble
	$(S)/codegen.sh

users: assemble
	$(S)/users-bench.sh

users-arm64: assemble
	$(S)/users-bench.sh arm64

report:
	python3 $(S)/bench-report.py

insn-bench: assemble
	$(S)/insn-profile.sh bench $(INSN_CONFIGS)

insn-profile:
	$(S)/insn-profile.sh $(or $(PROFILE_CONFIG),x86_64) $(or $(FILTER),pt_walk_mincore)

selftests: assemble
	$(S)/selftests.sh x86_64; r=$$?; $(S)/selftests.sh arm64 && exit $$r

selftests-%: assemble
	$(S)/selftests.sh $*

series: assemble
	$(S)/series.sh

bisect: assemble
	$(S)/bisect.sh full $(TARGETS)

clean:
	rm -rf build/out build/kunit build/check build/series build/bench build/codegen

distclean:
	rm -rf build

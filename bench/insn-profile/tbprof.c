// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin that counts the guest instructions executed, per
 * translation block: exact and deterministic where no PMU is available.
 * Each translated block gets an inline counter (no callback per block
 * executed); at exit every block that ran is written out as
 * "vaddr ninsns count", which scripts/insn-profile.sh folds into
 * instructions per kernel function with System.map.
 *
 * Phases: with begin=<addr> and end=<addr> (guest addresses of two marker
 * functions, which the kernel calls around the code measured), the counts
 * of every block are also taken between each call of the first and the
 * next call of the second, and written out per phase as
 * "P phase vaddr ninsns count".  The kernel says on its console what each
 * phase was, in the same order.  Only the marker blocks have a callback.
 *
 * Built against include/qemu/qemu-plugin.h of Debian's qemu source package.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

typedef unsigned long long u64;

struct blk {
	u64 vaddr;
	u64 ninsn;
	u64 count;
};

/* A block's count over one phase. */
struct pcount {
	unsigned int phase;
	unsigned int blk;
	u64 count;
};

/* Allocated once: the inline counters point into it. */
static struct blk *blks;
static u64 *snap;		/* the counts at the start of the phase */
static size_t nblk, nsnap, cap = 1 << 24;
static u64 dropped;
static const char *outpath = "tbprof.out";
static u64 mark_begin, mark_end;
static int in_phase;
static unsigned int nphase;
static struct pcount *pc;
static size_t npc, pccap;

static void on_begin(unsigned int vcpu, void *udata)
{
	size_t i;

	for (i = 0; i < nblk; i++)
		snap[i] = blks[i].count;
	nsnap = nblk;
	in_phase = 1;
}

static void on_end(unsigned int vcpu, void *udata)
{
	size_t i;

	if (!in_phase)
		return;
	for (i = 0; i < nblk; i++) {
		u64 d = blks[i].count - (i < nsnap ? snap[i] : 0);

		if (!d)
			continue;
		if (npc == pccap) {
			pccap = pccap ? 2 * pccap : 1 << 16;
			pc = realloc(pc, pccap * sizeof(*pc));
			if (!pc)
				abort();
		}
		pc[npc].phase = nphase;
		pc[npc].blk = i;
		pc[npc].count = d;
		npc++;
	}
	nphase++;
	in_phase = 0;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct blk *b;

	if (nblk == cap) {
		dropped++;
		return;
	}
	b = &blks[nblk++];
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->ninsn = qemu_plugin_tb_n_insns(tb);
	b->count = 0;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->count, 1);
	if (mark_begin && b->vaddr == mark_begin)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_begin,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
	if (mark_end && b->vaddr == mark_end)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_end,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	FILE *f = fopen(outpath, "w");
	size_t i;

	if (!f)
		return;
	if (dropped)
		fprintf(f, "# dropped %llu translations\n", dropped);
	for (i = 0; i < nblk; i++)
		if (blks[i].count)
			fprintf(f, "%llx %llu %llu\n",
				blks[i].vaddr, blks[i].ninsn, blks[i].count);
	for (i = 0; i < npc; i++)
		fprintf(f, "P %u %llx %llu %llu\n", pc[i].phase,
			blks[pc[i].blk].vaddr, blks[pc[i].blk].ninsn,
			pc[i].count);
	fclose(f);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			outpath = argv[i] + 4;
		else if (!strncmp(argv[i], "begin=", 6))
			mark_begin = strtoull(argv[i] + 6, NULL, 16);
		else if (!strncmp(argv[i], "end=", 4))
			mark_end = strtoull(argv[i] + 4, NULL, 16);
	}
	blks = calloc(cap, sizeof(*blks));
	snap = calloc(cap, sizeof(*snap));
	if (!blks || !snap)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}

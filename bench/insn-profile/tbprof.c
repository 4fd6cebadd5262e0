// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin that counts the guest instructions executed, per
 * translation block: exact and deterministic where no PMU is available.
 * Each translated block gets an inline counter (no callback per block
 * executed); at exit every block that ran is written out as
 * "vaddr ninsns count", which scripts/insn-profile.sh folds into
 * instructions per kernel function with System.map.
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

/* Allocated once: the inline counters point into it. */
static struct blk *blks;
static size_t nblk, cap = 1 << 24;
static u64 dropped;
static const char *outpath = "tbprof.out";

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
	fclose(f);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			outpath = argv[i] + 4;
	blks = calloc(cap, sizeof(*blks));
	if (!blks)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}

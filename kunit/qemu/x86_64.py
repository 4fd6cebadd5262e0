# SPDX-License-Identifier: GPL-2.0
# qemu-system-x86_64 for ptwalk: -cpu max for LA57 (5-level paging) and
# 1G pages (pdpe1gb) under TCG, room for hugetlb pools, and two CPUs (the
# stress suite races threads).
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-bios', 'qboot.rom', '-cpu', 'max',
					      '-m', '3072', '-smp', '2'])

# SPDX-License-Identifier: GPL-2.0
# qemu-system-riscv64 for ptwalk: -cpu rv64 (Sv57, Sv48 and Sv39) with Svnapot
# (64K hugetlb pages: blocks of 16 NAPOT PTEs), room for hugetlb pools,
# OpenSBI from Debian's qemu-system-data.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='riscv',
			   kconfig='''
CONFIG_ARCH_VIRT=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_SERIAL_OF_PLATFORM=y
CONFIG_RISCV_SBI_V01=y
CONFIG_SERIAL_EARLYCON_RISCV_SBI=y''',
			   qemu_arch='riscv64',
			   kernel_path='arch/riscv/boot/Image',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-machine', 'virt', '-cpu', 'rv64,svnapot=on',
					      '-m', '3072', '-bios',
					      '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin'])

# SPDX-License-Identifier: GPL-2.0
# qemu-system-mips64el for ptwalk: the Malta board with a 64-bit MIPS64R2
# CPU, little endian, room for a hugetlb pool.  Its serial port is the
# SuperIO UART behind the board's PCI bridge; kunit_shutdown's reboot goes
# through the board's reset register (syscon-reboot), which ends QEMU.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='mips',
			   kconfig='''
CONFIG_MIPS_MALTA=y
CONFIG_CPU_MIPS64_R2=y
CONFIG_64BIT=y
CONFIG_CPU_LITTLE_ENDIAN=y
CONFIG_PCI=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_MFD_SYSCON=y
CONFIG_POWER_RESET=y
CONFIG_POWER_RESET_SYSCON=y''',
			   qemu_arch='mips64el',
			   kernel_path='vmlinux',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-machine', 'malta', '-cpu', 'MIPS64R2-generic',
					      '-m', '2048'])

# SPDX-License-Identifier: GPL-2.0
# qemu-system-ppc64 for ptwalk: pseries, -cpu power9 for the radix MMU,
# console on the hypervisor's virtual terminal, 3 GiB.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC64=y
CONFIG_CPU_LITTLE_ENDIAN=y
CONFIG_HVC_CONSOLE=y''',
			   qemu_arch='ppc64',
			   kernel_path='vmlinux',
			   kernel_command_line='console=hvc0',
			   extra_qemu_params=['-M', 'pseries,cap-htm=off', '-cpu', 'power9',
					      '-m', '3072'])

# SPDX-License-Identifier: GPL-2.0
# qemu-system-aarch64 for ptwalk: -cpu max without LPA2.  The 52-bit VA
# kernel (4K pages, 5 levels) then runs with 48-bit VA: 4 levels, the P4D
# folded at run time (pgtable_l5_enabled() false).
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='arm64',
			   kconfig='''
CONFIG_SERIAL_AMBA_PL010=y
CONFIG_SERIAL_AMBA_PL010_CONSOLE=y
CONFIG_SERIAL_AMBA_PL011=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y''',
			   qemu_arch='aarch64',
			   kernel_path='arch/arm64/boot/Image.gz',
			   kernel_command_line='console=ttyAMA0',
			   extra_qemu_params=['-machine', 'virt', '-cpu', 'max,pauth-impdef=on,lpa2=off',
					      '-m', '3072', '-smp', '2'])

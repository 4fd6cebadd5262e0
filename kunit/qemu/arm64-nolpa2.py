# SPDX-License-Identifier: GPL-2.0
# qemu-system-aarch64 for ptwalk: -cpu max without LPA2.  A kernel built
# for 52-bit VA then runs with one level less: 48-bit VA and 4 levels with
# 4K pages (the P4D folded at run time), 47-bit VA and 3 levels with 16K
# pages (the PUD folded at run time).
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

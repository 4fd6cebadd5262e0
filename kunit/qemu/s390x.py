# SPDX-License-Identifier: GPL-2.0
# qemu-system-s390x for ptwalk: -cpu max, 3 GiB.  TCG has no EDAT facility,
# so the kernel has no huge pages (THP and hugetlb cases skip).
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='s390',
			   kconfig='''
CONFIG_EXPERT=y
CONFIG_TUNE_ZEC12=y''',
			   qemu_arch='s390x',
			   kernel_path='arch/s390/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-machine', 's390-ccw-virtio',
					      '-cpu', 'max', '-m', '3072'])

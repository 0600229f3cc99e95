/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /init of the big-endian boot (harness/be-initramfs.sh). Debian ships
 * no big-endian ARM user space, so this is all of it: one BE8 process
 * that writes the markers run_qemu.py looks for and powers the machine
 * off. That it runs at all shows the big-endian kernel set up a user
 * address space (TTBR0 with its ASID, descriptors stored with the words
 * in big-endian order) that works.
 */
#define __NR_write	4
#define __NR_reboot	88

	.syntax unified
	.arm
	.text
	.globl	_start
_start:
	mov	r0, #1			@ stdout: /dev/console
	adr	r1, msg
	mov	r2, #(msg_end - msg)
	mov	r7, #__NR_write
	svc	#0
	ldr	r0, =0xfee1dead		@ LINUX_REBOOT_MAGIC1
	ldr	r1, =0x28121969		@ LINUX_REBOOT_MAGIC2
	ldr	r2, =0x4321fedc		@ LINUX_REBOOT_CMD_POWER_OFF
	mov	r7, #__NR_reboot
	svc	#0
1:	b	1b

msg:	.ascii	"LPAE-INIT: big-endian /init running\n"
	.ascii	"LPAE-DONE: big-endian\n"
msg_end:

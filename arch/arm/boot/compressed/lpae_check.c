// SPDX-License-Identifier: GPL-2.0
/*
 * The zImage of an LPAE kernel checks that the CPU has LPAE before it
 * decompresses anything, and says so on the console when it has not.
 *
 * The kernel proper finds out too, in arch/arm/kernel/head.S, but at that
 * point only a DEBUG_LL build can print, and DEBUG_LL ties the image to
 * one board's UART. The decompressor runs earlier, on every board, with
 * the device tree in hand and a flat 1:1 mapping in which device memory
 * is Strongly-ordered: enough to find the console the tree names and
 * write one line to it, polled.
 */

#include <linux/kernel.h>
#include <linux/libfdt.h>
#include <asm/io.h>

#include "misc.h"

/*
 * ID_MMFR0, the VMSA support field, bits [3:0] (ARM ARM, "ID_MMFR0,
 * Memory Model Feature Register 0"): 5 or more means VMSAv7 with the
 * Long-descriptor translation table format, which is what LPAE adds.
 */
#define ID_MMFR0_VMSA		0xf
#define ID_MMFR0_VMSA_LONG	5

/* PL011 registers (PrimeCell UART TRM): data, flags, flag bits. */
#define PL011_DR		0x00
#define PL011_FR		0x18
#define PL011_FR_BUSY		BIT(3)
#define PL011_FR_TXFF		BIT(5)

/* 16550 registers, in units of 1 << reg-shift: holding, line status. */
#define UART_8250_THR		0
#define UART_8250_LSR		5
#define UART_8250_LSR_THRE	BIT(5)

/*
 * How many polls of a status register before giving up on it: a UART
 * the firmware left disabled must not hang the message forever, only
 * lose it. Far more than one character takes at 9600 baud.
 */
#define UART_POLLS		1000000

/* Address and size cells the DT spec assumes when a node says nothing. */
#define DT_ADDR_CELLS		2
#define DT_SIZE_CELLS		1

struct early_uart {
	void __iomem *base;	/* physical, which is virtual here */
	bool pl011;		/* else a 16550 */
	unsigned int shift;	/* 16550 reg-shift */
	unsigned int width;	/* 16550 reg-io-width: 1 or 4 bytes */
};

/* MIDR, the Main ID Register (ARM ARM, "MIDR, Main ID Register"). */
static u32 read_midr(void)
{
	u32 val;

	asm volatile("mrc p15, 0, %0, c0, c0, 0" : "=r" (val));
	return val;
}

static u32 read_id_mmfr0(void)
{
	u32 val;

	asm volatile("mrc p15, 0, %0, c0, c1, 4" : "=r" (val));
	return val;
}

/* The value of a one-cell property of @node, or @dflt without one. */
static u32 fdt_cell(const void *fdt, int node, const char *name, u32 dflt)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	if (!p || len != sizeof(*p))
		return dflt;
	return fdt32_to_cpu(*p);
}

/* A number of one or two cells; false for more (PCI and the like). */
static bool fdt_number(const fdt32_t *p, u32 cells, u64 *val)
{
	if (cells == 0 || cells > 2)
		return false;
	*val = fdt32_to_cpu(p[0]);
	if (cells == 2)
		*val = (*val << 32) | fdt32_to_cpu(p[1]);
	return true;
}

/*
 * Move @addr, an address on the bus of @bus, one level up through the
 * "ranges" of @bus. No "ranges" means the bus is not memory-mapped; an
 * empty one means a 1:1 mapping.
 */
static bool up_one_bus(const void *fdt, int bus, int parent, u64 *addr)
{
	u32 ca, pa, sc, n;
	const fdt32_t *r;
	u64 cbase, pbase, size;
	int len;

	r = fdt_getprop(fdt, bus, "ranges", &len);
	if (!r)
		return false;
	if (len == 0)
		return true;

	ca = fdt_cell(fdt, bus, "#address-cells", DT_ADDR_CELLS);
	sc = fdt_cell(fdt, bus, "#size-cells", DT_SIZE_CELLS);
	pa = fdt_cell(fdt, parent, "#address-cells", DT_ADDR_CELLS);
	n = ca + pa + sc;

	for (; len >= (int)(n * sizeof(*r)); len -= n * sizeof(*r), r += n) {
		if (!fdt_number(r, ca, &cbase) ||
		    !fdt_number(r + ca, pa, &pbase) ||
		    !fdt_number(r + ca + pa, sc, &size))
			return false;
		if (*addr >= cbase && *addr - cbase < size) {
			*addr = *addr - cbase + pbase;
			return true;
		}
	}
	return false;
}

/*
 * The CPU physical address of the first "reg" entry of @node: its bus
 * address, carried up through the "ranges" of every bus above it.
 */
static bool node_phys_addr(const void *fdt, int node, u64 *addr)
{
	const fdt32_t *reg;
	int bus, parent, len;

	bus = fdt_parent_offset(fdt, node);
	if (bus < 0)
		return false;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (int)sizeof(*reg) ||
	    !fdt_number(reg, fdt_cell(fdt, bus, "#address-cells",
				      DT_ADDR_CELLS), addr))
		return false;

	while (bus > 0) {
		parent = fdt_parent_offset(fdt, bus);
		if (parent < 0 || !up_one_bus(fdt, bus, parent, addr))
			return false;
		bus = parent;
	}
	return true;
}

/*
 * The console node: /chosen/stdout-path (up to its ':' options), the
 * older linux,stdout-path, or else the serial0 alias, which is all the
 * vexpress trees give.
 */
static int console_node(const void *fdt)
{
	const char *path, *opts;
	int chosen, len;

	chosen = fdt_path_offset(fdt, "/chosen");
	path = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path && chosen >= 0)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!path || len < 1)
		return fdt_path_offset(fdt, "serial0");

	opts = memchr(path, ':', len);
	if (opts)
		len = opts - path;
	else
		len = strnlen(path, len);
	return fdt_path_offset_namelen(fdt, path, len);
}

/* Fill @uart from the console the tree names; false if none we drive. */
static bool find_console(const void *fdt, struct early_uart *uart)
{
	int node;
	u64 addr;

	if (!fdt || fdt_check_header(fdt))
		return false;
	node = console_node(fdt);
	if (node < 0)
		return false;

	if (!fdt_node_check_compatible(fdt, node, "arm,pl011")) {
		uart->pl011 = true;
	} else if (!fdt_node_check_compatible(fdt, node, "ns16550a") ||
		   !fdt_node_check_compatible(fdt, node, "snps,dw-apb-uart")) {
		uart->pl011 = false;
		uart->shift = fdt_cell(fdt, node, "reg-shift", 0);
		uart->width = fdt_cell(fdt, node, "reg-io-width", 1);
		if (uart->shift > 2 || (uart->width != 1 && uart->width != 4))
			return false;
	} else {
		return false;
	}

	/* With the MMU off or flat-mapped, only the low 4 GiB is reachable. */
	if (!node_phys_addr(fdt, node, &addr) || addr > U32_MAX)
		return false;
	uart->base = (void __iomem *)(unsigned long)addr;
	return true;
}

/*
 * The _relaxed accessors keep the registers little-endian under BE8; the
 * mapping is Strongly-ordered, so no barrier is needed between them.
 */
static u32 pl011_read(const struct early_uart *uart, unsigned int reg)
{
	return readl_relaxed(uart->base + reg);
}

static void pl011_putc(const struct early_uart *uart, char c)
{
	int n = UART_POLLS;

	while ((pl011_read(uart, PL011_FR) & PL011_FR_TXFF) && --n)
		;
	writel_relaxed(c, uart->base + PL011_DR);
}

static u32 uart_8250_read(const struct early_uart *uart, unsigned int reg)
{
	void __iomem *a = uart->base + (reg << uart->shift);

	if (uart->width == 4)
		return readl_relaxed(a);
	return readb_relaxed(a);
}

static void uart_8250_putc(const struct early_uart *uart, char c)
{
	void __iomem *a = uart->base + (UART_8250_THR << uart->shift);
	int n = UART_POLLS;

	while (!(uart_8250_read(uart, UART_8250_LSR) & UART_8250_LSR_THRE) &&
	       --n)
		;
	if (uart->width == 4)
		writel_relaxed(c, a);
	else
		writeb_relaxed(c, a);
}

static void uart_putc(const struct early_uart *uart, char c)
{
	if (uart->pl011)
		pl011_putc(uart, c);
	else
		uart_8250_putc(uart, c);
}

static void uart_puts(const struct early_uart *uart, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc(uart, '\r');
		uart_putc(uart, *s);
	}
}

static void uart_puthex(const struct early_uart *uart, u32 val)
{
	int shift;

	uart_puts(uart, "0x");
	for (shift = 28; shift >= 0; shift -= 4)
		uart_putc(uart, "0123456789abcdef"[(val >> shift) & 0xf]);
}

/* Let the last character leave before the CPU stops. */
static void uart_drain(const struct early_uart *uart)
{
	int n = UART_POLLS;

	if (!uart->pl011)
		return;
	while ((pl011_read(uart, PL011_FR) & PL011_FR_BUSY) && --n)
		;
}

static void __noreturn stop_cpu(void)
{
	for (;;)
		asm volatile("wfi");
}

/**
 * lpae_check_cpu() - stop an LPAE kernel on a CPU without LPAE, saying so
 * @fdt: the device tree the boot loader passed (r2), or anything else
 *
 * Returns when ID_MMFR0 reports the Long-descriptor format. Otherwise
 * writes one line naming the missing extension and the CPU's MIDR to the
 * console the device tree names (a PL011 or a 16550, polled), if it can
 * find one, and stops this CPU: the kernel could only hang later, in its
 * own head.S, without a word. Interrupts are masked in the decompressor,
 * so a wake-up from WFI only goes round the loop again.
 */
void lpae_check_cpu(const void *fdt)
{
	struct early_uart uart;

	if ((read_id_mmfr0() & ID_MMFR0_VMSA) >= ID_MMFR0_VMSA_LONG)
		return;

	if (find_console(fdt, &uart)) {
		uart_puts(&uart,
			  "\nThis kernel needs the Large Physical Address Extension (LPAE), which this CPU (MIDR ");
		uart_puthex(&uart, read_midr());
		uart_puts(&uart, ") does not implement: stopping.\n");
		uart_drain(&uart);
	}
	stop_cpu();
}

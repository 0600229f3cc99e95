// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm_highmem: the page counts that free_highpages() (arch/arm/mm/init.c)
 * leaves behind. It hands highmem to the page allocator in blocks of up
 * to MAX_ORDER - 1 rather than a page at a time, and must count exactly
 * the pages it frees:
 *  - every page of a highmem zone that is not PageReserved (memblock
 *    reservations and holes in the zone's span are) was given to the
 *    allocator, so the zone's managed pages equal their number;
 *  - totalhigh_pages(), which /proc/meminfo reports as HighTotal, is the
 *    sum of the managed pages of the highmem zones;
 *  - no zone manages more pages than it has present.
 * A page left out of a block, or a block counted as fewer pages than it
 * holds, breaks the first check.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mmzone.h>

/* Pages of @zone's span that the boot gave to the page allocator. */
static unsigned long zone_unreserved_pages(struct zone *zone)
{
	unsigned long pfn, n = 0;

	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn++) {
		if (pfn_valid(pfn) && !PageReserved(pfn_to_page(pfn)))
			n++;
		if (!(pfn % (1UL << 18)))
			cond_resched();
	}
	return n;
}

static void highmem_counts_test(struct kunit *test)
{
	unsigned long managed, high = 0;
	struct zone *zone;
	int zones = 0;

	for_each_populated_zone(zone) {
		if (!is_highmem(zone))
			continue;
		zones++;
		managed = zone_managed_pages(zone);
		kunit_info(test, "%s: present %lu managed %lu\n", zone->name,
			   zone->present_pages, managed);
		KUNIT_EXPECT_LE(test, managed, zone->present_pages);
		KUNIT_EXPECT_EQ(test, managed, zone_unreserved_pages(zone));
		high += managed;
	}
	if (!zones)
		kunit_skip(test, "no highmem zone with memory");
	KUNIT_EXPECT_EQ(test, totalhigh_pages(), high);
}

static struct kunit_case highmem_cases[] = {
	KUNIT_CASE(highmem_counts_test),
	{}
};

static struct kunit_suite highmem_suite = {
	.name = "arm_highmem",
	.test_cases = highmem_cases,
};

kunit_test_suite(highmem_suite);

MODULE_DESCRIPTION("KUnit tests for the ARM highmem page counts");
MODULE_LICENSE("GPL");

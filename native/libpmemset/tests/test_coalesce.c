// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_coalesce.c -- two parts of a temporary source mapped with FULL
 * coalescing form one contiguous part map usable through the data path.
 */

#include <string.h>
#include "test_util.h"

#define PART (64 * 1024)

static void
full_coalescing_two_parts(void)
{
	struct pmemset *set = test_set_new(NULL, NULL, NULL);
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);
	CHECK_RET(pmemset_set_contiguous_part_coalescing(set,
				  PMEMSET_COALESCING_FULL),
			0);

	struct pmemset_part_descriptor d1, d2;
	CHECK_RET(test_map(set, src, 0, PART, &d1), 0);
	CHECK_RET(test_map(set, src, PART, PART, &d2), 0);
	CHECK(d1.size == PART && d2.size == PART, "sizes %zu %zu", d1.size,
			d2.size);
	CHECK((char *)d2.addr == (char *)d1.addr + d1.size,
			"not contiguous: %p + %zu != %p", d1.addr, d1.size,
			d2.addr);

	/* one part map covering both parts */
	struct pmemset_part_map *pmap, *next;
	pmemset_first_part_map(set, &pmap);
	CHECK(pmap, "no first part map");
	struct pmemset_part_descriptor pd = pmemset_descriptor_part_map(pmap);
	CHECK(pd.addr == d1.addr && pd.size == 2 * PART, "part map %p %zu",
			pd.addr, pd.size);
	pmemset_next_part_map(set, pmap, &next);
	CHECK(next == NULL, "second part map exists");
	pmemset_part_map_drop(&pmap);
	CHECK(pmap == NULL, "drop did not clear");

	/* a write across the part boundary, persisted and read back */
	char buf[256];
	memset(buf, 'x', sizeof(buf));
	char *dst = (char *)d1.addr + PART - 128;
	CHECK(pmemset_memcpy(set, dst, buf, sizeof(buf), 0) == dst, "memcpy");
	CHECK_RET(pmemset_persist(set, dst, sizeof(buf)), 0);
	char back[256];
	CHECK_RET(pmemset_source_pread_mcsafe(src, back, sizeof(back),
				  PART - 128),
			0);
	CHECK(memcmp(back, buf, sizeof(buf)) == 0, "data not in the file");

	enum pmem2_granularity g;
	CHECK_RET(pmemset_get_store_granularity(set, &g), 0);
	CHECK(g == PMEM2_GRANULARITY_PAGE, "granularity %d", (int)g);

	CHECK_RET(pmemset_delete(&set), 0);
	CHECK(set == NULL, "set not cleared");
	CHECK_RET(pmemset_source_delete(&src), 0);
	CHECK(src == NULL, "source not cleared");
}

static void
none_coalescing_gives_separate_maps(void)
{
	struct pmemset *set = test_set_new(NULL, NULL, NULL);
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);

	struct pmemset_part_descriptor d1, d2;
	CHECK_RET(test_map(set, src, 0, PART, &d1), 0);
	CHECK_RET(test_map(set, src, PART, PART, &d2), 0);

	int n = 0;
	struct pmemset_part_map *pmap;
	pmemset_first_part_map(set, &pmap);
	while (pmap) {
		n++;
		struct pmemset_part_map *next;
		pmemset_next_part_map(set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	CHECK(n == 2, "%d part maps", n);

	/* switching to FULL later coalesces with the last part */
	CHECK_RET(pmemset_set_contiguous_part_coalescing(set,
				  PMEMSET_COALESCING_FULL),
			0);
	struct pmemset_part_descriptor d3;
	CHECK_RET(test_map(set, src, 2 * PART, PART, &d3), 0);
	CHECK((char *)d3.addr == (char *)d2.addr + PART, "not after d2");

	CHECK_RET(pmemset_delete(&set), 0);
	CHECK_RET(pmemset_source_delete(&src), 0);
}

static void
opportunistic_in_reservation(void)
{
	struct pmem2_vm_reservation *rsv;
	CHECK_RET(pmem2_vm_reservation_new(&rsv, NULL, 8 * PART), 0);
	struct pmemset *set = test_set_new(rsv, NULL, NULL);
	CHECK(set, "set");
	CHECK_RET(pmemset_set_contiguous_part_coalescing(set,
				  PMEMSET_COALESCING_OPPORTUNISTIC),
			0);
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);

	char *base = pmem2_vm_reservation_get_address(rsv);
	struct pmemset_part_descriptor d1, d2;
	CHECK_RET(test_map(set, src, 0, 2 * PART, &d1), 0);
	CHECK(d1.addr == base, "first part not at the reservation start");
	CHECK_RET(test_map(set, src, 0, PART, &d2), 0);
	CHECK((char *)d2.addr == base + 2 * PART, "second part at %p", d2.addr);

	CHECK_RET(pmemset_delete(&set), 0);
	CHECK_RET(pmem2_vm_reservation_delete(&rsv), 0);
	CHECK_RET(pmemset_source_delete(&src), 0);
}

int
main(void)
{
	RUN(full_coalescing_two_parts);
	RUN(none_coalescing_gives_separate_maps);
	RUN(opportunistic_in_reservation);
	return test_exit();
}

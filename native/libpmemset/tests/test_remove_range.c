// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_remove_range.c -- removing ranges and part maps
 * (pmemset_remove_range.3): every part the range overlaps is removed and
 * unmapped whole, untouched parts of the same part map stay mapped and
 * are regrouped per contiguous run; errors for a range in no part and for
 * a referenced part map; pmemset_remove_part_map.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test_util.h"

static size_t Page;

static int
count_pmaps(struct pmemset *set)
{
	int n = 0;
	struct pmemset_part_map *pmap, *next;
	pmemset_first_part_map(set, &pmap);
	while (pmap) {
		n++;
		pmemset_next_part_map(set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	return n;
}

static void
fill(char *addr, size_t len, char c)
{
	memset(addr, c, len);
}

static int
all(const char *addr, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (addr[i] != c)
			return 0;
	return 1;
}

/*
 * accessible -- 1 if every page of [addr, addr + len) is in a mapping of
 * /proc/self/maps that can be read or written, 0 if none is: after a part
 * is unmapped its range is either gone from the address space or kept as
 * a PROT_NONE ("---p") placeholder of its libpmem2 reservation. -1 for a
 * mix or when the file cannot be read.
 */
static int
accessible(const void *addr, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	uintptr_t a = (uintptr_t)addr;
	size_t yes = 0, no = 0;
	char line[512];
	for (uintptr_t pg = a; pg < a + len; pg += Page) {
		int acc = 0;
		rewind(f);
		while (fgets(line, sizeof(line), f)) {
			uintptr_t s, e;
			char perms[8];
			if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &s,
					    &e, perms) != 3)
				continue;
			if (pg >= s && pg < e) {
				acc = perms[0] == 'r' || perms[1] == 'w';
				break;
			}
		}
		if (acc)
			yes++;
		else
			no++;
	}
	fclose(f);
	return no == 0 ? 1 : yes == 0 ? 0 : -1;
}

/* unmapped -- msync(2) says ENOMEM: no mapping at all in the range */
static int
unmapped(void *addr, size_t len)
{
	return msync(addr, len, MS_ASYNC) == -1 && errno == ENOMEM;
}

/* pmap_desc_at -- descriptor of the part map at addr (reference dropped) */
static int
pmap_desc_at(struct pmemset *set, void *addr, struct pmemset_part_descriptor *d)
{
	struct pmemset_part_map *pm;
	int ret = pmemset_part_map_by_address(set, &pm, addr);
	if (ret)
		return ret;
	*d = pmemset_descriptor_part_map(pm);
	pmemset_part_map_drop(&pm);
	return 0;
}

/* new_coalesced -- a FULL-coalescing set with n parts of 2 pages each */
static struct pmemset *
new_coalesced(struct pmemset_source **src, int n,
		struct pmemset_part_descriptor *d)
{
	struct pmemset *set = test_set_new(NULL, NULL, NULL);
	if (!set)
		return NULL;
	if (pmemset_set_contiguous_part_coalescing(set,
			    PMEMSET_COALESCING_FULL) ||
			pmemset_source_from_temporary(src, test_dir())) {
		pmemset_delete(&set);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		if (test_map(set, *src, (size_t)i * 2 * Page, 2 * Page,
				    &d[i])) {
			pmemset_delete(&set);
			pmemset_source_delete(src);
			return NULL;
		}
		fill(d[i].addr, d[i].size, (char)('a' + i));
	}
	return set;
}

static void
range_inside_one_of_two_parts(void)
{
	struct pmemset_source *src;
	struct pmemset_part_descriptor d[2];
	struct pmemset *set = new_coalesced(&src, 2, d);
	CHECK(set, "set");
	CHECK(count_pmaps(set) == 1, "not coalesced");
	CHECK((char *)d[1].addr == (char *)d[0].addr + d[0].size,
			"not contiguous");

	/* a few bytes inside the second page of the first part */
	CHECK_RET(pmemset_remove_range(set, (char *)d[0].addr + Page + 10, 100),
			0);
	CHECK(count_pmaps(set) == 1, "%d part maps", count_pmaps(set));

	/* the whole first part is gone, not only the page the range hit */
	CHECK(accessible(d[0].addr, d[0].size) == 0,
			"first part still accessible");
	struct pmemset_part_descriptor pd;
	CHECK_RET(pmap_desc_at(set, d[0].addr, &pd),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK_RET(pmap_desc_at(set, (char *)d[0].addr + d[0].size - 1, &pd),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	/* its data is still in the file */
	char buf[16];
	CHECK_RET(pmemset_source_pread_mcsafe(src, buf, sizeof(buf), 0), 0);
	CHECK(all(buf, sizeof(buf), 'a'), "file data of the removed part");

	/* the second part: same address, same data, its own part map */
	CHECK(accessible(d[1].addr, d[1].size) == 1, "second part unmapped");
	CHECK(all(d[1].addr, d[1].size, 'b'), "second part data");
	CHECK_RET(pmap_desc_at(set, (char *)d[1].addr + Page, &pd), 0);
	CHECK(pd.addr == d[1].addr && pd.size == d[1].size, "left %p %zu",
			pd.addr, pd.size);
	/* still backed by its file offset */
	fill(d[1].addr, 16, 'z');
	CHECK_RET(pmemset_persist(set, d[1].addr, 16), 0);
	CHECK_RET(pmemset_source_pread_mcsafe(src, buf, sizeof(buf), 2 * Page),
			0);
	CHECK(all(buf, sizeof(buf), 'z'), "file offset of the second part");

	/* the removed range is empty now */
	CHECK_RET(pmemset_remove_range(set, d[0].addr, d[0].size),
			PMEMSET_E_CANNOT_FIND_PART_MAP);

	/* removing the last part deletes our reservation: nothing left */
	CHECK_RET(pmemset_remove_range(set, (char *)d[1].addr + d[1].size - 1,
				  1),
			0);
	CHECK(count_pmaps(set) == 0, "part maps left");
	CHECK(unmapped(d[0].addr, d[0].size + d[1].size), "still mapped");
	enum pmem2_granularity g;
	CHECK_RET(pmemset_get_store_granularity(set, &g),
			PMEMSET_E_NO_PART_MAPPED);

	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
range_in_middle_part_splits_part_map(void)
{
	struct pmemset_source *src;
	struct pmemset_part_descriptor d[3];
	struct pmemset *set = new_coalesced(&src, 3, d);
	CHECK(set, "set");
	CHECK(count_pmaps(set) == 1, "not coalesced");

	CHECK_RET(pmemset_remove_range(set, (char *)d[1].addr + Page, 1), 0);
	CHECK(count_pmaps(set) == 2, "%d part maps", count_pmaps(set));
	CHECK(accessible(d[1].addr, d[1].size) == 0, "middle part mapped");

	struct pmemset_part_descriptor pd;
	CHECK_RET(pmap_desc_at(set, d[0].addr, &pd), 0);
	CHECK(pd.addr == d[0].addr && pd.size == d[0].size, "left %p %zu",
			pd.addr, pd.size);
	CHECK_RET(pmap_desc_at(set, d[2].addr, &pd), 0);
	CHECK(pd.addr == d[2].addr && pd.size == d[2].size, "right %p %zu",
			pd.addr, pd.size);
	CHECK(all(d[0].addr, d[0].size, 'a'), "left data");
	CHECK(all(d[2].addr, d[2].size, 'c'), "right data");

	/* first/next walk the two part maps in address order */
	struct pmemset_part_map *pm, *next;
	pmemset_first_part_map(set, &pm);
	CHECK(pm && pmemset_descriptor_part_map(pm).addr == d[0].addr, "first");
	pmemset_next_part_map(set, pm, &next);
	pmemset_part_map_drop(&pm);
	CHECK(next && pmemset_descriptor_part_map(next).addr == d[2].addr,
			"next");
	pmemset_part_map_drop(&next);

	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
range_over_two_parts_removes_both(void)
{
	struct pmemset_source *src;
	struct pmemset_part_descriptor d[3];
	struct pmemset *set = new_coalesced(&src, 3, d);
	CHECK(set, "set");

	/* the last byte of the first part and the first of the second */
	CHECK_RET(pmemset_remove_range(set, (char *)d[1].addr - 1, 2), 0);
	CHECK(count_pmaps(set) == 1, "%d part maps", count_pmaps(set));
	CHECK(accessible(d[0].addr, d[0].size + d[1].size) == 0,
			"removed parts still accessible");
	struct pmemset_part_descriptor pd;
	CHECK_RET(pmap_desc_at(set, d[0].addr, &pd),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK_RET(pmap_desc_at(set, d[1].addr, &pd),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK_RET(pmap_desc_at(set, d[2].addr, &pd), 0);
	CHECK(pd.addr == d[2].addr && pd.size == d[2].size, "third %p %zu",
			pd.addr, pd.size);
	CHECK(all(d[2].addr, d[2].size, 'c'), "third part data");

	pmemset_delete(&set);
	pmemset_source_delete(&src);

	/* two parts, the range covers bytes of both: the part map goes */
	set = new_coalesced(&src, 2, d);
	CHECK(set, "set");
	CHECK_RET(pmemset_remove_range(set, (char *)d[0].addr + Page, 2 * Page),
			0);
	CHECK(count_pmaps(set) == 0, "part maps left");
	CHECK(unmapped(d[0].addr, d[0].size + d[1].size), "still mapped");
	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
range_in_no_part(void)
{
	struct pmemset *set = test_set_new(NULL, NULL, NULL);
	CHECK(set, "set");
	CHECK_RET(pmemset_remove_range(set, NULL, 0),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK_RET(pmemset_remove_range(set, &Page, sizeof(Page)),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK(pmemset_remove_range(NULL, NULL, 1) < 0, "NULL set");
	pmemset_delete(&set);

	struct pmemset_source *src;
	struct pmemset_part_descriptor d[3];
	set = new_coalesced(&src, 3, d);
	CHECK(set, "set");
	char *a = d[0].addr;
	char *end = (char *)d[2].addr + d[2].size;

	/* right before, right after, empty range, a hole */
	CHECK_RET(pmemset_remove_range(set, a - Page, Page),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK_RET(pmemset_remove_range(set, end, Page),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK_RET(pmemset_remove_range(set, a + Page, 0),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK_RET(pmemset_remove_range(set, d[1].addr, 1), 0);
	CHECK_RET(pmemset_remove_range(set, (char *)d[1].addr + 1,
				  d[1].size - 2),
			PMEMSET_E_CANNOT_FIND_PART_MAP);

	/* nothing else was touched */
	CHECK(count_pmaps(set) == 2, "%d part maps", count_pmaps(set));
	CHECK(all(d[0].addr, d[0].size, 'a'), "first part data");
	CHECK(all(d[2].addr, d[2].size, 'c'), "third part data");

	/* a huge length wraps around: everything from addr on goes */
	CHECK_RET(pmemset_remove_range(set, a, SIZE_MAX), 0);
	CHECK(count_pmaps(set) == 0, "left over");

	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
referenced_part_map(void)
{
	struct pmemset *set = test_set_new(NULL, NULL, NULL);
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);
	/* two part maps (no coalescing) */
	struct pmemset_part_descriptor d1, d2;
	CHECK_RET(test_map(set, src, 0, 2 * Page, &d1), 0);
	CHECK_RET(test_map(set, src, 2 * Page, 2 * Page, &d2), 0);
	CHECK(count_pmaps(set) == 2, "%d part maps", count_pmaps(set));
	fill(d1.addr, d1.size, 'x');

	/* a reference from by_address blocks removal; nothing changes */
	struct pmemset_part_map *pm;
	CHECK_RET(pmemset_part_map_by_address(set, &pm, d1.addr), 0);
	CHECK_RET(pmemset_remove_range(set, (char *)d1.addr + Page, 1),
			PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	CHECK(accessible(d1.addr, d1.size) == 1, "unmapped anyway");
	CHECK(all(d1.addr, d1.size, 'x'), "data");
	/* also when the range spans a referenced and a free part map */
	char *lo = (char *)d1.addr < (char *)d2.addr ? d1.addr : d2.addr;
	char *hi = (char *)d1.addr < (char *)d2.addr ?
			(char *)d2.addr + d2.size :
			(char *)d1.addr + d1.size;
	CHECK_RET(pmemset_remove_range(set, lo, (size_t)(hi - lo)),
			PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	CHECK(count_pmaps(set) == 2, "%d part maps", count_pmaps(set));
	/* a reference to another part map does not matter */
	CHECK_RET(pmemset_remove_range(set, d2.addr, 1), 0);
	CHECK(count_pmaps(set) == 1, "%d part maps", count_pmaps(set));
	pmemset_part_map_drop(&pm);
	CHECK(pm == NULL, "drop did not clear");

	/* a reference from first_part_map blocks it as well */
	pmemset_first_part_map(set, &pm);
	CHECK(pm, "first");
	CHECK_RET(pmemset_remove_range(set, d1.addr, d1.size),
			PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	pmemset_part_map_drop(&pm);
	CHECK_RET(pmemset_remove_range(set, d1.addr, d1.size), 0);
	CHECK(count_pmaps(set) == 0, "left over");

	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
one_byte_removes_whole_anonymous_part(void)
{
	struct pmem2_source *anon;
	CHECK_RET(pmem2_source_from_anon(&anon, 3 * Page), 0);
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_pmem2(&src, anon), 0);
	/* the set source no longer needs the user's pmem2 source */
	CHECK_RET(pmem2_source_delete(&anon), 0);

	struct pmemset *set = test_set_new(NULL, NULL, NULL);
	CHECK(set, "set");
	struct pmemset_part_descriptor d;
	CHECK_RET(pmemset_map(set, src, NULL, &d), 0);
	CHECK(d.size == 3 * Page, "size %zu", d.size);
	fill(d.addr, d.size, 'L');

	CHECK_RET(pmemset_remove_range(set, (char *)d.addr + Page, 1), 0);
	CHECK(count_pmaps(set) == 0, "part not removed whole");
	CHECK(unmapped(d.addr, d.size), "still mapped");

	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
remove_part_map_and_coalescing_after_removal(void)
{
	struct pmemset *set = test_set_new(NULL, NULL, NULL);
	CHECK(set, "set");
	CHECK_RET(pmemset_set_contiguous_part_coalescing(set,
				  PMEMSET_COALESCING_FULL),
			0);
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);

	struct pmemset_part_descriptor d1, d2, d3;
	CHECK_RET(test_map(set, src, 0, 2 * Page, &d1), 0);
	CHECK_RET(test_map(set, src, 2 * Page, 2 * Page, &d2), 0);
	CHECK(count_pmaps(set) == 1, "not coalesced");

	/* the second part goes, the first one stays whole */
	CHECK_RET(pmemset_remove_range(set, d2.addr, d2.size), 0);
	CHECK(count_pmaps(set) == 1, "%d part maps", count_pmaps(set));
	struct pmemset_part_map *pm;
	pmemset_first_part_map(set, &pm);
	struct pmemset_part_descriptor pd = pmemset_descriptor_part_map(pm);
	CHECK(pd.addr == d1.addr && pd.size == d1.size, "left %zu", pd.size);

	/* the last part is gone: the next one starts a new part map */
	CHECK_RET(test_map(set, src, 0, Page, &d3), 0);
	CHECK(count_pmaps(set) == 2, "%d part maps", count_pmaps(set));

	/* remove_part_map wants the caller's reference to be the only one */
	struct pmemset_part_map *again;
	CHECK_RET(pmemset_part_map_by_address(set, &again, d1.addr), 0);
	CHECK_RET(pmemset_remove_part_map(set, &pm),
			PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	pmemset_part_map_drop(&again);
	CHECK_RET(pmemset_remove_part_map(set, &pm), 0);
	CHECK(pm == NULL, "pmap not cleared");

	struct pmemset_part_map *bogus = (struct pmemset_part_map *)&d1;
	CHECK_RET(pmemset_remove_part_map(set, &bogus),
			PMEMSET_E_PART_NOT_FOUND);

	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

int
main(void)
{
	Page = (size_t)sysconf(_SC_PAGESIZE);
	RUN(range_inside_one_of_two_parts);
	RUN(range_in_middle_part_splits_part_map);
	RUN(range_over_two_parts_removes_both);
	RUN(range_in_no_part);
	RUN(referenced_part_map);
	RUN(one_byte_removes_whole_anonymous_part);
	RUN(remove_part_map_and_coalescing_after_removal);
	return test_exit();
}

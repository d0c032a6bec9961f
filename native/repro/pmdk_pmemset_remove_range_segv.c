/*
 * pmdk_pmemset_remove_range_segv -- PMDK's libpmemset (last commit before its
 * removal, e92bef7) dies with SIGSEGV in pmemset_remove_range over the
 * tail of a coalesced part map and the next part map, in a set bound to a
 * pmem2 reservation. Found by pmem-conform's pmemset/parts-reservation
 * property (seed 1). Build against a PMDK tree (see the README):
 *   cc -I$PMDK/src/include pmdk_pmemset_remove_range_segv.c \
 *      -L$PMDK/src/nondebug -lpmemset -lpmem2 -o segv
 *   LD_LIBRARY_PATH=$PMDK/src/nondebug ./segv /dev/shm
 */
#include <libpmem2.h>
#include <libpmemset.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PAGE 4096

/* check -- stops at the first failing call, saying which */
static void
check(int ret, const char *what)
{
	if (ret) {
		fprintf(stderr, "%s: %d %s\n", what, ret, pmemset_errormsg());
		exit(1);
	}
}

/* map -- maps a new file of `pages` pages into the set */
static void
map(struct pmemset *set, const char *dir, int n, size_t pages)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/segv-%d-%d", dir, (int)getpid(), n);
	FILE *f = fopen(path, "w");
	if (!f || ftruncate(fileno(f), (off_t)(pages * PAGE)) || fclose(f)) {
		perror(path);
		exit(1);
	}
	struct pmemset_source *src;
	struct pmemset_map_config *mc;
	struct pmemset_part_descriptor d;
	check(pmemset_source_from_file(&src, path), "pmemset_source_from_file");
	check(pmemset_map_config_new(&mc), "pmemset_map_config_new");
	check(pmemset_map_config_set_offset(mc, 0), "set_offset");
	pmemset_map_config_set_length(mc, pages * PAGE);
	check(pmemset_map(set, src, mc, &d), "pmemset_map");
	printf("part %d: %p +%zu\n", n, d.addr, d.size);
	pmemset_map_config_delete(&mc);
	unlink(path);
}

int
main(int argc, char *argv[])
{
	const char *dir = argc > 1 ? argv[1] : "/dev/shm";
	struct pmem2_vm_reservation *rsv;
	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmem2_vm_reservation_new(&rsv, NULL, 8 * PAGE))
		return 1;
	check(pmemset_config_new(&cfg), "pmemset_config_new");
	check(pmemset_config_set_required_store_granularity(cfg,
			      PMEM2_GRANULARITY_PAGE),
			"set_required_store_granularity");
	pmemset_config_set_reservation(cfg, rsv);
	check(pmemset_new(&set, cfg), "pmemset_new");
	char *base = pmem2_vm_reservation_get_address(rsv);

	map(set, dir, 0, 4); /* pages 0-3 */
	check(pmemset_set_contiguous_part_coalescing(set,
			      PMEMSET_COALESCING_OPPORTUNISTIC),
			"coalescing");
	map(set, dir, 1, 1); /* page 4, coalesced with part 0 */
	map(set, dir, 2, 1); /* page 5, coalesced */
	check(pmemset_set_contiguous_part_coalescing(set,
			      PMEMSET_COALESCING_NONE),
			"coalescing");
	map(set, dir, 3, 1); /* page 6, a part map of its own */

	/* pages 5-7: the last coalesced part and the next part map */
	printf("pmemset_remove_range(%p, %d)\n", (void *)(base + 5 * PAGE),
			3 * PAGE);
	fflush(stdout);
	int ret = pmemset_remove_range(set, base + 5 * PAGE, 3 * PAGE);
	printf("pmemset_remove_range returned %d\n", ret);
	return 0;
}

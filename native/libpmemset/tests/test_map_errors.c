// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_map_errors.c -- the ERRORS list of pmemset_map(3) (and of the v1.11
 * pmemset_part_map(3)), each reached by a real situation.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test_util.h"

#define PART (64 * 1024)

static struct pmemset *
page_set(void)
{
	return test_set_new(NULL, NULL, NULL);
}

static void
map_length_unset(void)
{
	struct pmemset *set = page_set();
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);
	/* an empty temporary file and no length anywhere */
	CHECK_RET(pmemset_map(set, src, NULL, NULL),
			PMEMSET_E_MAP_LENGTH_UNSET);
	CHECK_RET(test_map(set, src, 0, 0, NULL), PMEMSET_E_MAP_LENGTH_UNSET);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
invalid_offset_value(void)
{
	struct pmemset *set = page_set();
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);

	/* the map config refuses such an offset itself */
	struct pmemset_map_config *mc;
	CHECK_RET(pmemset_map_config_new(&mc), 0);
	CHECK_RET(pmemset_map_config_set_offset(mc, (size_t)INT64_MAX + 1),
			PMEMSET_E_OFFSET_OUT_OF_RANGE);

	/* an offset <= INT64_MAX whose part ends beyond it */
	size_t off = ((size_t)INT64_MAX + 1) - PART;
	CHECK_RET(pmemset_map_config_set_offset(mc, off), 0);
	pmemset_map_config_set_length(mc, 2 * PART);
	CHECK_RET(pmemset_map(set, src, mc, NULL),
			PMEMSET_E_INVALID_OFFSET_VALUE);
	pmemset_map_config_delete(&mc);

	/* the part API carries any offset to the same check */
	struct pmemset_part *part;
	CHECK_RET(pmemset_part_new(&part, set, src, (size_t)INT64_MAX + 4096,
				  PART),
			0);
	CHECK_RET(pmemset_part_map(&part, NULL, NULL),
			PMEMSET_E_INVALID_OFFSET_VALUE);
	CHECK(part != NULL, "failed part_map consumed the part");
	CHECK_RET(pmemset_part_delete(&part), 0);
	CHECK(part == NULL, "part_delete did not clear");

	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
length_unaligned(void)
{
	struct pmemset *set = page_set();
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);
	CHECK_RET(test_map(set, src, 0, PART + 1, NULL),
			PMEMSET_E_LENGTH_UNALIGNED);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
cannot_fit_part_map(void)
{
	struct pmem2_vm_reservation *rsv;
	CHECK_RET(pmem2_vm_reservation_new(&rsv, NULL, 2 * PART), 0);
	struct pmemset *set = test_set_new(rsv, NULL, NULL);
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);

	CHECK_RET(test_map(set, src, 0, PART, NULL), 0);
	CHECK_RET(test_map(set, src, 0, 2 * PART, NULL),
			PMEMSET_E_CANNOT_FIT_PART_MAP);
	CHECK_RET(test_map(set, src, 0, PART, NULL), 0);
	CHECK_RET(test_map(set, src, 0, PART, NULL),
			PMEMSET_E_CANNOT_FIT_PART_MAP);

	pmemset_delete(&set);
	CHECK_RET(pmem2_vm_reservation_delete(&rsv), 0);
	pmemset_source_delete(&src);
}

static void
cannot_coalesce_parts(void)
{
	struct pmem2_vm_reservation *rsv;
	CHECK_RET(pmem2_vm_reservation_new(&rsv, NULL, 4 * PART), 0);
	struct pmemset *set = test_set_new(rsv, NULL, NULL);
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);

	struct pmemset_part_descriptor d;
	CHECK_RET(test_map(set, src, 0, PART, &d), 0);

	/* occupy the range right after the part with a foreign mapping */
	int fd = open(test_dir(), O_TMPFILE | O_RDWR, 0600);
	CHECK(fd >= 0, "tmpfile");
	CHECK(ftruncate(fd, PART) == 0, "ftruncate");
	struct pmem2_source *p2;
	CHECK_RET(pmem2_source_from_fd(&p2, fd), 0);
	struct pmem2_config *cfg;
	CHECK_RET(pmem2_config_new(&cfg), 0);
	pmem2_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_vm_reservation(cfg, rsv, PART);
	struct pmem2_map *blocker;
	CHECK_RET(pmem2_map_new(&blocker, cfg, p2), 0);

	CHECK_RET(pmemset_set_contiguous_part_coalescing(set,
				  PMEMSET_COALESCING_FULL),
			0);
	CHECK_RET(test_map(set, src, 0, PART, NULL),
			PMEMSET_E_CANNOT_COALESCE_PARTS);

	/* OPPORTUNISTIC falls back to the free range after the blocker */
	CHECK_RET(pmemset_set_contiguous_part_coalescing(set,
				  PMEMSET_COALESCING_OPPORTUNISTIC),
			0);
	struct pmemset_part_descriptor d2;
	CHECK_RET(test_map(set, src, 0, PART, &d2), 0);
	CHECK((char *)d2.addr == (char *)d.addr + 2 * PART, "fallback at %p",
			d2.addr);

	/* FULL after the last part but past the reservation's end */
	CHECK_RET(pmemset_set_contiguous_part_coalescing(set,
				  PMEMSET_COALESCING_FULL),
			0);
	CHECK_RET(test_map(set, src, 0, 2 * PART, NULL),
			PMEMSET_E_CANNOT_FIT_PART_MAP);

	pmemset_delete(&set);
	CHECK_RET(pmem2_map_delete(&blocker), 0);
	CHECK_RET(pmem2_vm_reservation_delete(&rsv), 0);
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&p2);
	close(fd);
	pmemset_source_delete(&src);
}

static void
source_file_too_small_and_cannot_grow(void)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/pmemset-test-%d", test_dir(),
			(int)getpid());

	struct pmemset *set = page_set();
	CHECK(set, "set");

	struct pmemset_source *src;
	CHECK_RET(pmemset_xsource_from_file(&src, path,
				  PMEMSET_SOURCE_FILE_CREATE_ALWAYS |
						  PMEMSET_SOURCE_FILE_DO_NOT_GROW |
						  PMEMSET_SOURCE_FILE_CREATE_MODE(
								  0600)),
			0);
	CHECK_RET(test_map(set, src, 0, PART, NULL),
			PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL);
	pmemset_source_delete(&src);

	/* without DO_NOT_GROW the same file grows to fit */
	CHECK_RET(pmemset_xsource_from_file(&src, path, 0), 0);
	CHECK_RET(test_map(set, src, PART, PART, NULL), 0);
	size_t a;
	CHECK_RET(pmemset_source_alignment(src, &a), 0);
	CHECK(a == (size_t)sysconf(_SC_PAGESIZE), "alignment %zu", a);

	/* a part no file system can hold */
	CHECK_RET(test_map(set, src, 0, (size_t)1 << 52, NULL),
			PMEMSET_E_CANNOT_GROW_SOURCE_FILE);
	pmemset_source_delete(&src);

	struct pmemset_source *tmp;
	CHECK_RET(pmemset_source_from_temporary(&tmp, test_dir()), 0);
	CHECK_RET(test_map(set, tmp, 0, (size_t)1 << 52, NULL),
			PMEMSET_E_CANNOT_GROW_SOURCE_FILE);
	pmemset_source_delete(&tmp);

	pmemset_delete(&set);
	unlink(path);
}

static void
sds_nosupp_on_tmpfs(void)
{
	struct pmemset *set = page_set();
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);
	struct pmemset_sds sds = PMEMSET_SDS_INITIALIZE();
	enum pmemset_part_state state = 0;
	CHECK_RET(pmemset_source_set_sds(src, &sds, &state), 0);
	CHECK_RET(pmemset_source_set_sds(src, &sds, &state),
			PMEMSET_E_SDS_ALREADY_SET);
	CHECK_RET(test_map(set, src, 0, PART, NULL), PMEMSET_E_SDS_NOSUPP);
	CHECK(sds.refcount == 0, "refcount %d", sds.refcount);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
invalid_source_type_and_set(void)
{
	struct pmemset *set = page_set();
	CHECK(set, "set");
	CHECK_RET(pmemset_map(set, NULL, NULL, NULL),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);
	CHECK(pmemset_map(NULL, src, NULL, NULL) < 0, "NULL set accepted");
	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
granularity_not_supported(void)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	CHECK_RET(pmemset_config_new(&cfg), 0);
	CHECK_RET(pmemset_new(&set, cfg), PMEMSET_E_GRANULARITY_NOT_SET);
	CHECK(set == NULL, "set not NULL on failure");
	CHECK_RET(pmemset_config_set_required_store_granularity(cfg,
				  (enum pmem2_granularity)7),
			PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	/* byte granularity cannot be had on tmpfs */
	CHECK_RET(pmemset_config_set_required_store_granularity(cfg,
				  PMEM2_GRANULARITY_BYTE),
			0);
	CHECK_RET(pmemset_new(&set, cfg), 0);
	pmemset_config_delete(&cfg);

	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);
	CHECK_RET(test_map(set, src, 0, PART, NULL),
			PMEMSET_E_GRANULARITY_NOT_SUPPORTED);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void
invalid_pmem2_map(void)
{
	/* a read-only descriptor: libpmem2 cannot map it shared+writable */
	int fd = open(test_dir(), O_TMPFILE | O_RDWR, 0600);
	CHECK(fd >= 0, "tmpfile");
	CHECK(ftruncate(fd, PART) == 0, "ftruncate");
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int rofd = open(path, O_RDONLY);
	CHECK(rofd >= 0, "reopen read-only");

	struct pmem2_source *p2;
	CHECK_RET(pmem2_source_from_fd(&p2, rofd), 0);
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_pmem2(&src, NULL),
			PMEMSET_E_INVALID_PMEM2_SOURCE);
	CHECK_RET(pmemset_source_from_pmem2(&src, p2), 0);

	struct pmemset *set = page_set();
	CHECK(set, "set");
	CHECK_RET(pmemset_map(set, src, NULL, NULL),
			PMEMSET_E_INVALID_PMEM2_MAP);

	pmemset_delete(&set);
	pmemset_source_delete(&src);
	pmem2_source_delete(&p2);
	close(rofd);
	close(fd);
}

static void
part_api_consumes_part(void)
{
	struct pmemset *set = page_set();
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);

	struct pmemset_part *part;
	CHECK_RET(pmemset_part_new(&part, set, NULL, 0, PART),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	CHECK(part == NULL, "part set on failure");
	CHECK_RET(pmemset_part_new(&part, set, src, 0, PART), 0);
	/* the part keeps the source alive after the user's delete */
	CHECK_RET(pmemset_source_delete(&src), 0);

	struct pmemset_part_descriptor d;
	CHECK_RET(pmemset_part_map(&part, NULL, &d), 0);
	CHECK(part == NULL, "part not consumed");
	CHECK(d.addr && d.size == PART, "descriptor %p %zu", d.addr, d.size);
	memset(d.addr, 1, d.size);
	CHECK_RET(pmemset_part_map(&part, NULL, &d), -22);
	pmemset_delete(&set);
}

int
main(void)
{
	RUN(map_length_unset);
	RUN(invalid_offset_value);
	RUN(length_unaligned);
	RUN(cannot_fit_part_map);
	RUN(cannot_coalesce_parts);
	RUN(source_file_too_small_and_cannot_grow);
	RUN(sds_nosupp_on_tmpfs);
	RUN(invalid_source_type_and_set);
	RUN(granularity_not_supported);
	RUN(invalid_pmem2_map);
	RUN(part_api_consumes_part);
	return test_exit();
}

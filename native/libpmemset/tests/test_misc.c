// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_misc.c -- argument checking, sources, configs, per-thread error
 * messages and the errno translation.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test_util.h"

static void
null_arguments(void)
{
	CHECK(pmemset_config_new(NULL) < 0, "config_new(NULL)");
	CHECK_RET(pmemset_config_delete(NULL), 0);
	struct pmemset_config *cfg = NULL;
	CHECK_RET(pmemset_config_delete(&cfg), 0);
	pmemset_config_set_reservation(NULL, NULL);
	pmemset_config_set_event_callback(NULL, NULL, NULL);
	CHECK(pmemset_config_set_acceptable_states(NULL, 0) < 0, "states");
	CHECK(pmemset_new(NULL, NULL) < 0, "new(NULL)");
	struct pmemset *set;
	CHECK_RET(pmemset_new(&set, NULL), PMEMSET_E_GRANULARITY_NOT_SET);
	CHECK_RET(pmemset_delete(NULL), 0);
	set = NULL;
	CHECK_RET(pmemset_delete(&set), 0);
	CHECK(pmemset_map_config_new(NULL) < 0, "map_config_new(NULL)");
	CHECK(pmemset_map_config_set_offset(NULL, 0) < 0, "set_offset");
	pmemset_map_config_set_length(NULL, 1);
	CHECK_RET(pmemset_map_config_delete(NULL), 0);
	CHECK_RET(pmemset_source_delete(NULL), 0);
	CHECK_RET(pmemset_source_alignment(NULL, NULL),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	pmemset_source_set_badblock_detection(NULL, true);
	CHECK_RET(pmemset_source_set_sds(NULL, NULL, NULL),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	CHECK_RET(pmemset_badblock_clear(NULL, NULL),
			PMEMSET_E_INVALID_SOURCE_TYPE);
	struct pmemset_part_map *pm = (void *)1;
	pmemset_first_part_map(NULL, &pm);
	CHECK(pm == NULL, "first_part_map(NULL set)");
	pmemset_first_part_map(NULL, NULL);
	pmemset_next_part_map(NULL, NULL, NULL);
	pmemset_part_map_drop(NULL);
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(NULL);
	CHECK(d.addr == NULL && d.size == 0, "descriptor of NULL");
	CHECK(pmemset_remove_part_map(NULL, NULL) < 0, "remove_part_map");
	CHECK(pmemset_part_map_by_address(NULL, NULL, NULL) < 0, "by_addr");
	CHECK(pmemset_persist(NULL, NULL, 0) < 0, "persist");
	CHECK(pmemset_flush(NULL, NULL, 0) < 0, "flush");
	CHECK(pmemset_drain(NULL) < 0, "drain");
	CHECK(pmemset_deep_flush(NULL, NULL, 0) < 0, "deep_flush");
	CHECK(pmemset_part_new(NULL, NULL, NULL, 0, 0) < 0, "part_new");
	CHECK_RET(pmemset_part_delete(NULL), 0);
	CHECK(pmemset_part_map(NULL, NULL, NULL) < 0, "part_map");
	CHECK(pmemset_set_contiguous_part_coalescing(NULL, 0) < 0, "coal");
	CHECK(pmemset_get_store_granularity(NULL, NULL) < 0, "gran");
}

static void
config_values(void)
{
	struct pmemset_config *cfg;
	CHECK_RET(pmemset_config_new(&cfg), 0);
	CHECK_RET(pmemset_config_set_acceptable_states(cfg, 1 << 5),
			PMEMSET_E_INVALID_PART_STATES);
	CHECK_RET(pmemset_config_set_acceptable_states(cfg,
				  PMEMSET_PART_STATE_OK |
						  PMEMSET_PART_STATE_OK_BUT_INTERRUPTED),
			0);
	CHECK_RET(pmemset_config_set_required_store_granularity(cfg,
				  PMEM2_GRANULARITY_CACHE_LINE),
			0);
	struct pmemset *set;
	CHECK_RET(pmemset_new(&set, cfg), 0);
	/* the set holds a copy: deleting the config is fine */
	CHECK_RET(pmemset_config_delete(&cfg), 0);
	CHECK(cfg == NULL, "config not cleared");
	CHECK_RET(pmemset_set_contiguous_part_coalescing(set,
				  (enum pmemset_coalescing)3),
			PMEMSET_E_INVALID_COALESCING_VALUE);
	enum pmem2_granularity g;
	CHECK_RET(pmemset_get_store_granularity(set, &g),
			PMEMSET_E_NO_PART_MAPPED);
	pmemset_delete(&set);
}

static void
sources(void)
{
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_file(&src, NULL),
			PMEMSET_E_INVALID_SOURCE_PATH);
	CHECK(src == NULL, "src set on failure");
	CHECK_RET(pmemset_source_from_file(&src, "/nonexistent/dir/file"),
			PMEMSET_E_INVALID_SOURCE_PATH);
	CHECK_RET(pmemset_source_from_temporary(&src, NULL),
			PMEMSET_E_INVALID_SOURCE_PATH);
	CHECK_RET(pmemset_source_from_temporary(&src, "/nonexistent/dir"),
			PMEMSET_E_INVALID_SOURCE_PATH);
	CHECK_RET(pmemset_xsource_from_file(&src, "/tmp/x", 1U << 3),
			PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);
	CHECK_RET(pmemset_xsource_from_file(&src, "/tmp/x",
				  PMEMSET_SOURCE_FILE_CREATE_MODE(01000)),
			PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS);

	char path[256];
	snprintf(path, sizeof(path), "%s/pmemset-misc-%d", test_dir(),
			(int)getpid());
	unlink(path);
	CHECK_RET(pmemset_source_from_file(&src, path),
			PMEMSET_E_INVALID_SOURCE_PATH);
	mode_t old = umask(0);
	CHECK_RET(pmemset_xsource_from_file(&src, path,
				  PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED |
						  PMEMSET_SOURCE_FILE_CREATE_MODE(
								  PMEMSET_SOURCE_FILE_RWU_MODE |
								  PMEMSET_SOURCE_FILE_RGRP_MODE)),
			0);
	umask(old);
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640, "mode %o",
			(unsigned)(st.st_mode & 0777));

	/* pread/pwrite are bounded by the file */
	char buf[16] = "0123456789abcde";
	CHECK_RET(pmemset_source_pwrite_mcsafe(src, buf, sizeof(buf), 0),
			PMEMSET_E_LENGTH_OUT_OF_RANGE);
	CHECK(truncate(path, 4096) == 0, "truncate");
	CHECK_RET(pmemset_source_pwrite_mcsafe(src, buf, sizeof(buf), 100), 0);
	char back[16];
	CHECK_RET(pmemset_source_pread_mcsafe(src, back, sizeof(back), 100), 0);
	CHECK(memcmp(back, buf, sizeof(buf)) == 0, "read back");
	CHECK_RET(pmemset_source_pread_mcsafe(src, back, sizeof(back), 4090),
			PMEMSET_E_LENGTH_OUT_OF_RANGE);
	pmemset_source_delete(&src);

	/* CREATE_ALWAYS truncates the existing file */
	CHECK_RET(pmemset_xsource_from_file(&src, path,
				  PMEMSET_SOURCE_FILE_CREATE_ALWAYS),
			0);
	CHECK(stat(path, &st) == 0 && st.st_size == 0, "not truncated");
	pmemset_source_delete(&src);
	unlink(path);
}

static void
iteration_and_lookup(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct pmemset *set = test_set_new(NULL, NULL, NULL);
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);
	struct pmemset_part_descriptor d[3];
	for (int i = 0; i < 3; i++)
		CHECK_RET(test_map(set, src, 0, page, &d[i]), 0);

	/* iteration is in address order and sees every part map */
	int n = 0;
	char *prev = NULL;
	struct pmemset_part_map *pm, *next;
	pmemset_first_part_map(set, &pm);
	while (pm) {
		struct pmemset_part_descriptor pd =
				pmemset_descriptor_part_map(pm);
		CHECK((char *)pd.addr > prev, "not in address order");
		prev = pd.addr;
		n++;
		pmemset_next_part_map(set, pm, &next);
		pmemset_part_map_drop(&pm);
		pm = next;
	}
	CHECK(n == 3, "%d part maps", n);

	CHECK_RET(pmemset_part_map_by_address(set, &pm,
				  (char *)d[1].addr + page - 1),
			0);
	CHECK(pmemset_descriptor_part_map(pm).addr == d[1].addr, "lookup");
	pmemset_part_map_drop(&pm);
	CHECK_RET(pmemset_part_map_by_address(set, &pm, &n),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK_RET(pmemset_deep_flush(set, &n, sizeof(n)),
			PMEMSET_E_CANNOT_FIND_PART_MAP);

	/* the two parts map the same file range: shared data */
	pmemset_memset(set, d[0].addr, 'q', 8, 0);
	CHECK(((char *)d[2].addr)[7] == 'q', "shared mapping");

	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

static void *
thread_err(void *arg)
{
	(void)arg;
	struct pmemset_source *src;
	(void)pmemset_source_from_temporary(&src, "/nonexistent/thread");
	return (void *)pmemset_errormsg();
}

static void
errormsg_per_thread(void)
{
	struct pmemset *set;
	CHECK_RET(pmemset_new(&set, NULL), PMEMSET_E_GRANULARITY_NOT_SET);
	char mine[256];
	snprintf(mine, sizeof(mine), "%s", pmemset_errormsg());
	CHECK(strlen(mine) > 0, "no message");

	pthread_t t;
	CHECK(pthread_create(&t, NULL, thread_err, NULL) == 0, "thread");
	void *theirs;
	CHECK(pthread_join(t, &theirs) == 0, "join");
	CHECK(strcmp(mine, pmemset_errormsg()) == 0,
			"message changed by another thread");

	CHECK(pmemset_err_to_errno(-ENOENT) == ENOENT, "errno passthrough");
	CHECK(pmemset_err_to_errno(
			      PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE) ==
					ENOMEM,
			"enomem");
	CHECK(pmemset_err_to_errno(PMEMSET_E_IO_FAIL) == EIO, "eio");
	CHECK(pmemset_err_to_errno(PMEM2_E_NOSUPP) == ENOTSUP, "pmem2");
	CHECK(pmemset_err_to_errno(0) == 0, "zero");
}

int
main(void)
{
	RUN(null_arguments);
	RUN(config_values);
	RUN(sources);
	RUN(iteration_and_lookup);
	RUN(errormsg_per_thread);
	return test_exit();
}

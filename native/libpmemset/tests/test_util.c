// SPDX-License-Identifier: BSD-3-Clause
/* test_util.c -- helpers shared by the C tests */

#include <stdlib.h>
#include <sys/stat.h>
#include "test_util.h"

int test_failures;
const char *test_current = "?";

/* test_dir -- tmpfs when available (no DAX, no SDS), else /tmp */
const char *
test_dir(void)
{
	const char *d = getenv("PMEMSET_TEST_DIR");
	if (d)
		return d;
	struct stat st;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode))
		return "/dev/shm";
	return "/tmp";
}

struct pmemset *
test_set_new(struct pmem2_vm_reservation *rsv, pmemset_event_callback *cb,
		void *arg)
{
	struct pmemset_config *cfg;
	struct pmemset *set = NULL;
	if (pmemset_config_new(&cfg))
		return NULL;
	if (pmemset_config_set_required_store_granularity(cfg,
			    PMEM2_GRANULARITY_PAGE) == 0) {
		pmemset_config_set_reservation(cfg, rsv);
		pmemset_config_set_event_callback(cfg, cb, arg);
		if (pmemset_new(&set, cfg))
			set = NULL;
	}
	pmemset_config_delete(&cfg);
	return set;
}

int
test_map(struct pmemset *set, struct pmemset_source *src, size_t offset,
		size_t length, struct pmemset_part_descriptor *d)
{
	struct pmemset_map_config *mc;
	int ret = pmemset_map_config_new(&mc);
	if (ret)
		return ret;
	ret = pmemset_map_config_set_offset(mc, offset);
	if (ret == 0) {
		pmemset_map_config_set_length(mc, length);
		ret = pmemset_map(set, src, mc, d);
	}
	pmemset_map_config_delete(&mc);
	return ret;
}

int
test_exit(void)
{
	if (test_failures) {
		printf("# %d failure(s)\n", test_failures);
		return 1;
	}
	return 0;
}

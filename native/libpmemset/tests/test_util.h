/* SPDX-License-Identifier: BSD-3-Clause */
/* test_util.h -- tiny test harness: each test prints "ok NAME" or "FAIL" */

#ifndef TEST_UTIL_H
#define TEST_UTIL_H 1

#include <stdio.h>
#include <libpmemset.h>

extern int test_failures;
extern const char *test_current;

/* CHECK -- on failure prints the reason and leaves the current test */
#define CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			printf("FAIL %s: line %d: ", test_current, __LINE__); \
			printf(__VA_ARGS__); \
			printf(" [%s]\n", pmemset_errormsg()); \
			test_failures++; \
			return; \
		} \
	} while (0)

#define CHECK_RET(expr, expected) \
	do { \
		int r_ = (expr); \
		CHECK(r_ == (expected), "%s returned %d, expected %d", #expr, \
				r_, (int)(expected)); \
	} while (0)

#define RUN(fn) \
	do { \
		int before_ = test_failures; \
		test_current = #fn; \
		fn(); \
		if (test_failures == before_) \
			printf("ok %s\n", #fn); \
	} while (0)

const char *test_dir(void);
struct pmemset *test_set_new(struct pmem2_vm_reservation *rsv,
		pmemset_event_callback *cb, void *arg);
int test_map(struct pmemset *set, struct pmemset_source *src, size_t offset,
		size_t length, struct pmemset_part_descriptor *d);
int test_exit(void);

#endif

// SPDX-License-Identifier: BSD-3-Clause
/* test_events.c -- events delivered to the callback, with their context */

#include <string.h>
#include <unistd.h>
#include "test_util.h"

#define MAX_EV 32

struct log {
	int n;
	enum pmemset_event type[MAX_EV];
	struct pmemset_event_context ctx[MAX_EV];
	struct pmemset *set;
};

static int
record(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	struct log *l = arg;
	l->set = set;
	if (l->n < MAX_EV) {
		l->type[l->n] = ctx->type;
		l->ctx[l->n] = *ctx;
		l->n++;
	}
	return 0;
}

static int
seq(struct log *l, int n, const enum pmemset_event *want)
{
	if (l->n != n)
		return 0;
	for (int i = 0; i < n; i++)
		if (l->type[i] != want[i])
			return 0;
	return 1;
}

#define EXPECT(l, ...) \
	do { \
		enum pmemset_event w_[] = {__VA_ARGS__}; \
		int n_ = (int)(sizeof(w_) / sizeof(w_[0])); \
		CHECK(seq(l, n_, w_), \
				"event sequence: got %d events, first %d", \
				(l)->n, (l)->n ? (int)(l)->type[0] : -1); \
	} while (0)

static void
events_delivered(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct log l;
	memset(&l, 0, sizeof(l));
	struct pmemset *set = test_set_new(NULL, record, &l);
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);

	struct pmemset_part_descriptor d;
	CHECK_RET(test_map(set, src, 0, 2 * page, &d), 0);
	EXPECT(&l, PMEMSET_EVENT_PART_ADD);
	CHECK(l.set == set, "set argument");
	CHECK(l.ctx[0].data.part_add.addr == d.addr &&
					l.ctx[0].data.part_add.len == d.size &&
					l.ctx[0].data.part_add.src != NULL,
			"part_add data");

	char *a = d.addr;
	char buf[64];
	memset(buf, 7, sizeof(buf));

	l.n = 0;
	pmemset_memcpy(set, a, buf, sizeof(buf), 0);
	EXPECT(&l, PMEMSET_EVENT_COPY, PMEMSET_EVENT_DRAIN);
	CHECK(l.ctx[0].data.copy.dest == a && l.ctx[0].data.copy.src == buf &&
					l.ctx[0].data.copy.len == sizeof(buf) &&
					l.ctx[0].data.copy.flags == 0,
			"copy data");

	l.n = 0;
	pmemset_memcpy(set, a, buf, sizeof(buf), PMEMSET_F_MEM_NODRAIN);
	EXPECT(&l, PMEMSET_EVENT_COPY);
	CHECK(l.ctx[0].data.copy.flags == PMEMSET_F_MEM_NODRAIN, "flags");

	l.n = 0;
	pmemset_memmove(set, a + 8, a, 32, 0);
	EXPECT(&l, PMEMSET_EVENT_MOVE, PMEMSET_EVENT_DRAIN);
	CHECK(l.ctx[0].data.move.dest == a + 8 && l.ctx[0].data.move.len == 32,
			"move data");

	l.n = 0;
	pmemset_memset(set, a, 0x5a, 16, PMEMSET_F_MEM_NOFLUSH);
	EXPECT(&l, PMEMSET_EVENT_SET);
	CHECK(l.ctx[0].data.set.value == 0x5a && l.ctx[0].data.set.len == 16,
			"set data");
	CHECK(a[15] == 0x5a, "memset did not write");

	l.n = 0;
	CHECK_RET(pmemset_flush(set, a, 10), 0);
	EXPECT(&l, PMEMSET_EVENT_FLUSH);
	CHECK(l.ctx[0].data.flush.addr == a && l.ctx[0].data.flush.len == 10,
			"flush data");

	l.n = 0;
	CHECK_RET(pmemset_drain(set), 0);
	EXPECT(&l, PMEMSET_EVENT_DRAIN);

	l.n = 0;
	CHECK_RET(pmemset_persist(set, a, 20), 0);
	EXPECT(&l, PMEMSET_EVENT_PERSIST, PMEMSET_EVENT_FLUSH,
			PMEMSET_EVENT_DRAIN);
	CHECK(l.ctx[0].data.persist.addr == a &&
					l.ctx[0].data.persist.len == 20,
			"persist data");

	CHECK_RET(pmemset_deep_flush(set, a, page), 0);

	/*
	 * one of two coalesced parts: the range is reported, the part map
	 * itself stays (with the other part), so no PART_REMOVE
	 */
	CHECK_RET(pmemset_set_contiguous_part_coalescing(set,
				  PMEMSET_COALESCING_FULL),
			0);
	struct pmemset_part_descriptor d2;
	CHECK_RET(test_map(set, src, 2 * page, page, &d2), 0);
	CHECK((char *)d2.addr == a + 2 * page, "not coalesced");
	l.n = 0;
	CHECK_RET(pmemset_remove_range(set, a + 2 * page, 1), 0);
	EXPECT(&l, PMEMSET_EVENT_REMOVE_RANGE);
	CHECK(l.ctx[0].data.remove_range.addr == a + 2 * page &&
					l.ctx[0].data.remove_range.len == 1,
			"range data");

	/* a range in the last part removes it and so the whole part map */
	l.n = 0;
	CHECK_RET(pmemset_remove_range(set, a + page, 10), 0);
	EXPECT(&l, PMEMSET_EVENT_REMOVE_RANGE, PMEMSET_EVENT_PART_REMOVE);
	CHECK(l.ctx[0].data.remove_range.addr == a + page &&
					l.ctx[0].data.remove_range.len == 10,
			"range data");
	CHECK(l.ctx[1].data.part_remove.addr == a &&
					l.ctx[1].data.part_remove.len ==
							2 * page,
			"part_remove");

	/* a failing remove_range fires nothing */
	l.n = 0;
	CHECK_RET(pmemset_remove_range(set, a, page),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	CHECK(l.n == 0, "%d events", l.n);

	CHECK_RET(test_map(set, src, 0, page, &d), 0);
	struct pmemset_part_map *pm;
	pmemset_first_part_map(set, &pm);
	l.n = 0;
	CHECK_RET(pmemset_remove_part_map(set, &pm), 0);
	EXPECT(&l, PMEMSET_EVENT_PART_REMOVE);

	/* delete removes what is left, announcing it */
	CHECK_RET(test_map(set, src, 0, page, &d), 0);
	l.n = 0;
	pmemset_delete(&set);
	EXPECT(&l, PMEMSET_EVENT_PART_REMOVE);
	pmemset_source_delete(&src);
}

static void
badblock_detection_on_plain_file(void)
{
	/* libpmem2 reports no bad blocks on a non-DAX file: no events */
	struct log l;
	memset(&l, 0, sizeof(l));
	struct pmemset *set = test_set_new(NULL, record, &l);
	CHECK(set, "set");
	struct pmemset_source *src;
	CHECK_RET(pmemset_source_from_temporary(&src, test_dir()), 0);
	pmemset_source_set_badblock_detection(src, true);
	CHECK_RET(test_map(set, src, 0, 4096, NULL), 0);
	EXPECT(&l, PMEMSET_EVENT_PART_ADD);

	struct pmemset_badblock bb = {(size_t)1 << 63, 4096};
	CHECK_RET(pmemset_badblock_clear(&bb, src),
			PMEMSET_E_OFFSET_OUT_OF_RANGE);
	bb.offset = 0;
	bb.length = (size_t)1 << 63;
	CHECK_RET(pmemset_badblock_clear(&bb, src),
			PMEMSET_E_LENGTH_OUT_OF_RANGE);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
}

int
main(void)
{
	RUN(events_delivered);
	RUN(badblock_detection_on_plain_file);
	return test_exit();
}

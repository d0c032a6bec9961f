// SPDX-License-Identifier: BSD-3-Clause
/*
 * badblock.c -- bad block detection while mapping and bad block clearing,
 * both through libpmem2's bad block context.
 *
 * On a file that is not on a DAX device (tmpfs, ext4 without dax...)
 * libpmem2 1.12 creates the context and simply reports no bad block; we
 * pass that answer on, so detection on such files finds nothing and the
 * mapping proceeds. Sources libpmem2 cannot inspect at all (anonymous
 * memory, unsupported file types) give PMEMSET_E_BADBLOCK_NOSUPP.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "libpmemset.h"
#include "badblock.h"
#include "events.h"
#include "pmemset_utils.h"
#include "set.h"
#include "source.h"

int
pmemset_badblock_err_from_pmem2(int ret)
{
	switch (ret) {
	case PMEM2_E_DAX_REGION_NOT_FOUND:
		return PMEMSET_E_DAX_REGION_NOT_FOUND;
	case PMEM2_E_CANNOT_READ_BOUNDS:
		return PMEMSET_E_CANNOT_READ_BOUNDS;
	case PMEM2_E_NOSUPP:
	case PMEM2_E_INVALID_FILE_TYPE:
	case PMEM2_E_FILE_DESCRIPTOR_NOT_SET:
	case PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED:
		return PMEMSET_E_BADBLOCK_NOSUPP;
	default:
		return ret; /* -errno, or another libpmem2 error */
	}
}

static int
context_new(struct pmemset_source *src, struct pmem2_badblock_context **ctx)
{
	int ret = pmem2_badblock_context_new(ctx, src->pmem2);
	if (ret) {
		ERR("pmem2_badblock_context_new: %s", pmem2_errormsg());
		return pmemset_badblock_err_from_pmem2(ret);
	}
	return 0;
}

/* report_all -- one PMEMSET_EVENT_BADBLOCK per bad block of the source */
static int
report_all(struct pmemset *set, struct pmemset_source *src, unsigned *found)
{
	struct pmem2_badblock_context *bbctx;
	int ret = context_new(src, &bbctx);
	if (ret)
		return ret;

	struct pmem2_badblock bb;
	*found = 0;
	while ((ret = pmem2_badblock_next(bbctx, &bb)) == 0) {
		(*found)++;
		struct pmemset_badblock sbb = {bb.offset, bb.length};
		struct pmemset_event_context ctx;
		memset(&ctx, 0, sizeof(ctx));
		ctx.type = PMEMSET_EVENT_BADBLOCK;
		ctx.data.badblock.bb = &sbb;
		ctx.data.badblock.src = src;

		int cb = pmemset_event_fire(set, &ctx);
		if (cb) {
			ERR("event callback failed bad block %zu+%zu",
					bb.offset, bb.length);
			ret = cb < 0 ? cb : PMEMSET_E_IO_FAIL;
			goto out;
		}
	}

	if (ret == PMEM2_E_NO_BAD_BLOCK_FOUND) {
		ret = 0;
	} else {
		ERR("pmem2_badblock_next: %s", pmem2_errormsg());
		ret = pmemset_badblock_err_from_pmem2(ret);
	}
out:
	pmem2_badblock_context_delete(&bbctx);
	return ret;
}

/* any_left -- 1 if the source still has a bad block, 0 if not, or error */
static int
any_left(struct pmemset_source *src)
{
	struct pmem2_badblock_context *bbctx;
	int ret = context_new(src, &bbctx);
	if (ret)
		return ret;

	struct pmem2_badblock bb;
	ret = pmem2_badblock_next(bbctx, &bb);
	pmem2_badblock_context_delete(&bbctx);
	if (ret == 0)
		return 1;
	if (ret == PMEM2_E_NO_BAD_BLOCK_FOUND)
		return 0;
	ERR("pmem2_badblock_next: %s", pmem2_errormsg());
	return pmemset_badblock_err_from_pmem2(ret);
}

/*
 * pmemset_badblock_detect -- reports the bad blocks of the source; the
 * mapping may go on only if the callback cleared all of them.
 */
int
pmemset_badblock_detect(struct pmemset *set, struct pmemset_source *src)
{
	unsigned found;
	int ret = report_all(set, src, &found);
	if (ret || found == 0)
		return ret;

	ret = any_left(src);
	if (ret < 0)
		return ret;
	if (ret > 0) {
		ERR("the source has %u uncleared bad block(s)", found);
		return PMEMSET_E_IO_FAIL;
	}

	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = PMEMSET_EVENT_BADBLOCKS_CLEARED;
	ctx.data.badblocks_cleared.src = src;
	(void)pmemset_event_fire(set, &ctx);
	return 0;
}

/* pmemset_badblock_clear -- clears a bad block of the source */
PMEMSET_EXPORT int
pmemset_badblock_clear(struct pmemset_badblock *bb, struct pmemset_source *src)
{
	PMEMSET_ERR_CLR();

	int ret = pmemset_source_validate(src);
	if (ret)
		return ret;
	if (!bb) {
		ERR("NULL bad block");
		return -EINVAL;
	}
	if (bb->offset > (size_t)INT64_MAX) {
		ERR("bad block offset %zu is greater than INT64_MAX",
				bb->offset);
		return PMEMSET_E_OFFSET_OUT_OF_RANGE;
	}
	if (bb->length > (size_t)INT64_MAX) {
		ERR("bad block length %zu is greater than INT64_MAX",
				bb->length);
		return PMEMSET_E_LENGTH_OUT_OF_RANGE;
	}

	struct pmem2_badblock_context *bbctx;
	ret = context_new(src, &bbctx);
	if (ret)
		return ret;

	struct pmem2_badblock pbb = {bb->offset, bb->length};
	ret = pmem2_badblock_clear(bbctx, &pbb);
	pmem2_badblock_context_delete(&bbctx);
	if (ret) {
		ERR("pmem2_badblock_clear: %s", pmem2_errormsg());
		return pmemset_badblock_err_from_pmem2(ret);
	}
	return 0;
}

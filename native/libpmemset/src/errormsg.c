// SPDX-License-Identifier: BSD-3-Clause
/*
 * errormsg.c -- per-thread error messages, logging and the error-code to
 * errno translation.
 */

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpmemset.h"
#include "pmemset_utils.h"

#define ERRMSG_MAX 1024

/* thread-local so that an error in one thread never clobbers another's */
static __thread char Last_errormsg[ERRMSG_MAX];

static pthread_once_t Log_once = PTHREAD_ONCE_INIT;
static int Log_level;
static FILE *Log_file;

/*
 * log_init -- reads PMEMSET_LOG_LEVEL / PMEMSET_LOG_FILE once; a log file
 * that cannot be opened falls back to stderr rather than failing the call
 * that happened to log first.
 */
static void
log_init(void)
{
	const char *lvl = getenv("PMEMSET_LOG_LEVEL");
	if (lvl)
		Log_level = atoi(lvl);

	Log_file = stderr;
	const char *path = getenv("PMEMSET_LOG_FILE");
	if (path && Log_level > 0) {
		FILE *f = fopen(path, "a");
		if (f)
			Log_file = f;
	}
}

static void
log_write(int level, const char *func, const char *msg)
{
	if (pthread_once(&Log_once, log_init) != 0)
		return;
	if (Log_level < level)
		return;
	/* a log line that cannot be written is no error of the caller's */
	(void)fprintf(Log_file, "<libpmemset>: <%d> [%s] %s\n", level, func,
			msg);
	(void)fflush(Log_file);
}

void
pmemset_log(int level, const char *func, const char *fmt, ...)
{
	char buf[ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	int ret = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ret < 0)
		return;

	log_write(level, func, buf);
}

void
pmemset_err_set(const char *func, const char *fmt, ...)
{
	int saved_errno = errno;
	int with_errno = (fmt[0] == '!');
	if (with_errno)
		fmt++;

	va_list ap;
	va_start(ap, fmt);
	int ret = vsnprintf(Last_errormsg, ERRMSG_MAX, fmt, ap);
	va_end(ap);
	if (ret < 0) {
		Last_errormsg[0] = '\0';
		ret = 0;
	}

	if (with_errno && (size_t)ret < ERRMSG_MAX) {
		char ebuf[128];
		const char *e = strerror_r(saved_errno, ebuf, sizeof(ebuf));
		/* a description cut short at ERRMSG_MAX is still useful */
		(void)snprintf(Last_errormsg + ret, ERRMSG_MAX - (size_t)ret,
				": %s", e);
	}

	log_write(1, func, Last_errormsg);
	errno = saved_errno;
}

/* pmemset_err_clr -- empties the calling thread's error message */
void
pmemset_err_clr(void)
{
	Last_errormsg[0] = '\0';
}

void *
pmemset_zalloc(size_t size)
{
	void *p = calloc(1, size);
	if (!p)
		ERR("!calloc(%zu)", size);
	return p;
}

size_t
pmemset_pagesize(void)
{
	static size_t page;
	if (!page) {
		long p = sysconf(_SC_PAGESIZE);
		page = p > 0 ? (size_t)p : 4096;
	}
	return page;
}

/* pmemset_errormsg -- the last error message of this thread */
PMEMSET_EXPORT const char *
pmemset_errormsg(void)
{
	return Last_errormsg;
}

/* pmemset_perror -- prints format, then the last error message */
PMEMSET_EXPORT void
pmemset_perror(const char *format, ...)
{
	char buf[ERRMSG_MAX];
	va_list ap;

	buf[0] = '\0';
	if (format) {
		va_start(ap, format);
		int ret = vsnprintf(buf, sizeof(buf), format, ap);
		va_end(ap);
		if (ret < 0)
			buf[0] = '\0';
	}

	/* returns void: a failed write to stderr has nowhere to go */
	(void)fprintf(stderr, "%s: %s\n", buf, pmemset_errormsg());
}

/*
 * pmem2_code_to_errno -- libpmem2 1.12 declares pmem2_err_to_errno() but
 * does not export it, so the few codes that have a closer errno than
 * EINVAL are translated here.
 */
static int
pmem2_code_to_errno(int err)
{
	switch (err) {
	case PMEM2_E_NOSUPP:
	case PMEM2_E_GRANULARITY_NOT_SUPPORTED:
	case PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED:
		return ENOTSUP;
	case PMEM2_E_MAPPING_EXISTS:
	case PMEM2_E_MAP_EXISTS:
		return EEXIST;
	case PMEM2_E_MAPPING_NOT_FOUND:
	case PMEM2_E_DAX_REGION_NOT_FOUND:
	case PMEM2_E_NO_BAD_BLOCK_FOUND:
		return ENOENT;
	case PMEM2_E_NO_ACCESS:
		return EACCES;
	case PMEM2_E_IO_FAIL:
		return EIO;
	case PMEM2_E_BUFFER_TOO_SMALL:
		return ENOBUFS;
	case PMEM2_E_VM_RESERVATION_NOT_EMPTY:
		return EBUSY;
	default:
		return EINVAL;
	}
}

/*
 * pmemset_err_to_errno -- the errno value closest in meaning to a pmemset
 * (or pmem2, or negated errno) error code; used by bindings that can only
 * surface errno-style errors.
 */
PMEMSET_EXPORT int
pmemset_err_to_errno(int err)
{
	if (err >= 0)
		return err == 0 ? 0 : EINVAL;
	if (err > -100000) /* a negated errno */
		return -err;
	if (err > -200000) /* libpmem2's range */
		return pmem2_code_to_errno(err);

	switch (err) {
	case PMEMSET_E_NOSUPP:
	case PMEMSET_E_SDS_NOSUPP:
	case PMEMSET_E_BADBLOCK_NOSUPP:
	case PMEMSET_E_GRANULARITY_NOT_SUPPORTED:
		return ENOTSUP;
	case PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE:
		return ENOMEM;
	case PMEMSET_E_INVALID_SOURCE_PATH:
		return ENOENT;
	case PMEMSET_E_PART_EXISTS:
		return EEXIST;
	case PMEMSET_E_CANNOT_FIND_PART_MAP:
	case PMEMSET_E_PART_NOT_FOUND:
	case PMEMSET_E_NO_PART_MAPPED:
	case PMEMSET_E_DAX_REGION_NOT_FOUND:
		return ENOENT;
	case PMEMSET_E_CANNOT_COALESCE_PARTS:
	case PMEMSET_E_CANNOT_FIT_PART_MAP:
		return ENOMEM;
	case PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP:
		return EBUSY;
	case PMEMSET_E_CANNOT_GROW_SOURCE_FILE:
		return ENOSPC;
	case PMEMSET_E_IO_FAIL:
	case PMEMSET_E_DEEP_FLUSH_FAIL:
	case PMEMSET_E_CANNOT_READ_BOUNDS:
		return EIO;
	case PMEMSET_E_CANNOT_CREATE_TEMP_FILE:
		return EACCES;
	case PMEMSET_E_OFFSET_OUT_OF_RANGE:
	case PMEMSET_E_LENGTH_OUT_OF_RANGE:
		return ERANGE;
	case PMEMSET_E_SDS_DEVICE_ID_LEN_TOO_BIG:
		return ENAMETOOLONG;
	case PMEMSET_E_SDS_ALREADY_SET:
		return EEXIST;
	default:
		return EINVAL;
	}
}

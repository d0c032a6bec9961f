/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmemset_utils.h -- helpers shared by every file of the library:
 * exporting, error reporting, allocation and alignment.
 */

#ifndef PMEMSET_UTILS_H
#define PMEMSET_UTILS_H 1

#include <stddef.h>
#include <stdint.h>

/* the library is built with -fvisibility=hidden; API entry points opt in */
#define PMEMSET_EXPORT __attribute__((visibility("default")))

/*
 * pmemset_err_set -- records a message in the calling thread's error buffer
 * (and in the log when PMEMSET_LOG_LEVEL >= 1). A format starting with '!'
 * appends strerror(errno), as the rest of PMDK does.
 */
void pmemset_err_set(const char *func, const char *fmt, ...)
		__attribute__((__format__(__printf__, 2, 3)));

#define ERR(...) pmemset_err_set(__func__, __VA_ARGS__)

/* pmemset_err_clr -- empties the calling thread's error message */
void pmemset_err_clr(void);

/*
 * PMEMSET_ERR_CLR -- what every API entry point does first, as in PMDK.
 * pmemset_errormsg.3 says "The buffer is never cleared by any library
 * function", so, as in PMDK, only a debug build (-DDEBUG) clears it: there
 * a caller that reads a stale message after a successful call sees an
 * empty string, while a release build keeps the page's promise. The
 * functions that report errors (pmemset_errormsg, pmemset_perror,
 * pmemset_err_to_errno) never clear the message they are asked about.
 */
#ifdef DEBUG
#define PMEMSET_ERR_CLR() pmemset_err_clr()
#else
#define PMEMSET_ERR_CLR() \
	do { \
	} while (0)
#endif

/* pmemset_log -- a trace line at the given PMEMSET_LOG_LEVEL (none below it) */
void pmemset_log(int level, const char *func, const char *fmt, ...)
		__attribute__((__format__(__printf__, 3, 4)));

#define LOG(level, ...) pmemset_log(level, __func__, __VA_ARGS__)

/* pmemset_zalloc -- zeroed memory; NULL on failure (message recorded) */
void *pmemset_zalloc(size_t size);

/* pmemset_pagesize -- the system page size */
size_t pmemset_pagesize(void);

#define PMEMSET_ALIGN_UP(x, a) ((((x) + (a)-1) / (a)) * (a))
#define PMEMSET_ALIGN_DOWN(x, a) (((x) / (a)) * (a))

#endif /* PMEMSET_UTILS_H */

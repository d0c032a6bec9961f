/* Declarations shared by the per-concept files of the addon. */
#ifndef PMEM_CONFORM_ENTRY_H
#define PMEM_CONFORM_ENTRY_H

#include <napi.h>
#include <sys/types.h>
#include "args.h"
#include "handles.h"
#include "pmem2_api.h"

/* the loaded libpmem2; throws a JS Error when load() was not called */
const Pmem2Api &api(Napi::Env env);

/*
 * Each concept registers its entry points on the exports object, the way
 * libpmem2 keeps one file per concept.
 */
void source_init(Napi::Env env, Napi::Object exports);
void config_init(Napi::Env env, Napi::Object exports);
void map_init(Napi::Env env, Napi::Object exports);
void reservation_init(Napi::Env env, Napi::Object exports);
void sys_init(Napi::Env env, Napi::Object exports);
void child_init(Napi::Env env, Napi::Object exports);
void fault_init(Napi::Env env, Napi::Object exports);
void errormsg_init(Napi::Env env, Napi::Object exports);
void more_init(Napi::Env env, Napi::Object exports);
void inject_init(Napi::Env env, Napi::Object exports);

/*
 * read_full -- reads up to len bytes of a child's report from fd until the
 * child closes it; the bytes read, and in *err the errno of a failed read
 */
size_t read_full(int fd, void *buf, size_t len, int *err);

/* wait_child -- waits for pid (through EINTR); its status, or a JS Error */
int wait_child(Napi::Env env, pid_t pid);

/*
 * fork_piped -- makes pipefd and forks; the child's pid (0 in the child), or
 * a JS Error with both ends closed
 */
pid_t fork_piped(Napi::Env env, int pipefd[2]);

/* write_report -- in a child: writes all of a report to fd, or _exit(3) */
void write_report(int fd, const void *buf, size_t len);

/*
 * reap_report -- in the parent of fork_piped: reads the child's report into
 * buf (*complete when all len bytes came, *read_err the errno of a failed
 * read), closes the pipe and reaps the child; its wait status
 */
int reap_report(Napi::Env env, pid_t pid, int pipefd[2], void *buf, size_t len,
	bool *complete, int *read_err);

/* the protection a config handle will give its maps (tracked by the addon) */
unsigned config_prot(const HandleRecord *cfg);

#endif

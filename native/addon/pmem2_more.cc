/*
 * The libpmem2 entry points PMDK's own tests reach and the first addon
 * files did not: pmem2_map_from_existing, the mcsafe source I/O, the NUMA
 * node and bad-block context of a source, deleting NULL objects; calls in
 * a child that is put into a condition (malloc exhausted, munmap failing,
 * code executed from a map); and calls made from several native threads at
 * once. Symbols that are not in PMEM2_API_FUNCS are resolved here with
 * dlsym, so a build that lacks one fails only the cases that need it.
 */
#include "entry.h"
#include "missing.h"
#include "pmemset_api.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <dlfcn.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <mutex>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

typedef int (*map_from_existing_fn)(struct pmem2_map **,
	const struct pmem2_source *, void *, size_t, enum pmem2_granularity);
typedef int (*mcsafe_fn)(struct pmem2_source *, void *, size_t, size_t);
typedef int (*numa_node_fn)(const struct pmem2_source *, int *);
typedef int (*bb_new_fn)(struct pmem2_badblock_context **,
	const struct pmem2_source *);
typedef void (*bb_delete_fn)(struct pmem2_badblock_context **);

/* sym -- `name` from the loaded libpmem2; throws when the build lacks it */
static void *
sym(Napi::Env env, const char *name)
{
	void *p = dlsym(api(env).dl, name);
	if (p == nullptr)
		throw Napi::Error::New(env,
			std::string("the loaded libpmem2 does not export ") +
				name);
	return p;
}

/* Pmem2Exports -- pmem2Exports(name) -> does the loaded build export it? */
static Napi::Value
Pmem2Exports(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string name = arg_string(info, 0, "name");
	return Napi::Boolean::New(env,
		dlsym(api(env).dl, name.c_str()) != nullptr);
}

/*
 * PlainMap -- plainMap(length, prot) -> address of a private anonymous
 * mapping made with mmap(2), not by libpmem2: what the user hands to
 * pmem2_map_from_existing
 */
static Napi::Value
PlainMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t len = arg_u64(info, 0, "length");
	int prot = (int)arg_u32(info, 1, "prot");
	void *p = mmap(nullptr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		throw Napi::Error::New(env,
			std::string("mmap: ") + strerror(errno));
	return u64_value(env, reinterpret_cast<uintptr_t>(p));
}

/* PlainUnmap -- plainUnmap(address, length) -> errno of munmap(2), 0 */
static Napi::Value
PlainUnmap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t addr = arg_u64(info, 0, "address");
	uint64_t len = arg_u64(info, 1, "length");
	int err = munmap(reinterpret_cast<void *>(addr), len) == 0 ? 0 : errno;
	return Napi::Number::New(env, err);
}

/*
 * MapFromExisting -- mapFromExisting(source, address, length, granularity,
 * prot) -> {code, message, mapPtr, map?}. `prot` is what the caller knows
 * of the range (0 for a range that is not mapped at all), so that the
 * addon's checked reads and writes refuse what would fault.
 */
static Napi::Value
MapFromExisting(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *src = handle_get(info[0], HK_SOURCE);
	uint64_t addr = arg_u64(info, 1, "address");
	uint64_t len = arg_u64(info, 2, "length");
	int gran = arg_i32(info, 3, "granularity");
	unsigned prot = arg_u32(info, 4, "prot");
	auto fn = reinterpret_cast<map_from_existing_fn>(
		sym(env, "pmem2_map_from_existing"));
	/* an untouched pointer stays non-NULL, so "left NULL" is observable */
	pmem2_map *map = reinterpret_cast<pmem2_map *>(0x5e5e5e5e5e5e5000ULL);
	int ret = fn(&map, static_cast<pmem2_source *>(src->ptr),
		reinterpret_cast<void *>(addr), len,
		static_cast<enum pmem2_granularity>(gran));
	Napi::Object r = result_object(env, ret);
	const char *state = map == nullptr ? "null" :
		map == reinterpret_cast<pmem2_map *>(0x5e5e5e5e5e5e5000ULL) ?
					     "unchanged" :
					     "set";
	r.Set("mapPtr", Napi::String::New(env, state));
	if (ret == 0)
		r.Set("map", handle_new(env, HK_MAP, map, prot));
	return r;
}

/* SourceNumaNode -- sourceNumaNode(source) -> {code, message, value?, untouched} */
static Napi::Value
SourceNumaNode(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *src = handle_get(info[0], HK_SOURCE);
	auto fn = reinterpret_cast<numa_node_fn>(
		sym(env, "pmem2_source_numa_node"));
	const int poison = -0x5e5e;
	int node = poison;
	int ret = fn(static_cast<pmem2_source *>(src->ptr), &node);
	Napi::Object r = result_object(env, ret);
	r.Set("untouched", Napi::Boolean::New(env, node == poison));
	if (ret == 0)
		r.Set("value", Napi::Number::New(env, node));
	return r;
}

/*
 * BadblockContextNew -- badblockContextNew(source) -> {code, message,
 * ctxPtr}: a context that was made is deleted at once, as nothing else
 * here uses it
 */
static Napi::Value
BadblockContextNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *src = handle_get(info[0], HK_SOURCE);
	auto fn_new = reinterpret_cast<bb_new_fn>(
		sym(env, "pmem2_badblock_context_new"));
	auto fn_del = reinterpret_cast<bb_delete_fn>(
		sym(env, "pmem2_badblock_context_delete"));
	pmem2_badblock_context *ctx = nullptr;
	int ret = fn_new(&ctx, static_cast<pmem2_source *>(src->ptr));
	Napi::Object r = result_object(env, ret);
	r.Set("ctxPtr", Napi::String::New(env, ctx ? "set" : "null"));
	if (ctx != nullptr)
		fn_del(&ctx);
	return r;
}

/* SourcePreadMcsafe -- sourcePreadMcsafe(source, length, offset) -> {code, message, data?} */
static Napi::Value
SourcePreadMcsafe(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *src = handle_get(info[0], HK_SOURCE);
	uint64_t len = arg_u64(info, 1, "length");
	uint64_t off = arg_u64(info, 2, "offset");
	auto fn = reinterpret_cast<mcsafe_fn>(
		sym(env, "pmem2_source_pread_mcsafe"));
	std::vector<char> buf(len);
	int ret =
		fn(static_cast<pmem2_source *>(src->ptr), buf.data(), len, off);
	Napi::Object r = result_object(env, ret);
	if (ret == 0)
		r.Set("data", Napi::Buffer<char>::Copy(env, buf.data(), len));
	return r;
}

/* SourcePwriteMcsafe -- sourcePwriteMcsafe(source, data, offset) -> {code, message} */
static Napi::Value
SourcePwriteMcsafe(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *src = handle_get(info[0], HK_SOURCE);
	Napi::Buffer<char> data = arg_buffer(info, 1, "data");
	uint64_t off = arg_u64(info, 2, "offset");
	auto fn = reinterpret_cast<mcsafe_fn>(
		sym(env, "pmem2_source_pwrite_mcsafe"));
	std::vector<char> buf(data.Data(), data.Data() + data.Length());
	int ret = fn(static_cast<pmem2_source *>(src->ptr), buf.data(),
		buf.size(), off);
	return result_object(env, ret);
}

/*
 * DeleteNull -- deleteNull(kind) -> {code, message, pointerCleared}:
 * pmem2_config_delete or pmem2_source_delete with *ptr == NULL ("If *cfg
 * is NULL, no operation is performed")
 */
static Napi::Value
DeleteNull(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string kind = arg_string(info, 0, "kind");
	int ret;
	bool cleared;
	if (kind == "config") {
		pmem2_config *cfg = nullptr;
		ret = api(env).pmem2_config_delete(&cfg);
		cleared = cfg == nullptr;
	} else if (kind == "source") {
		pmem2_source *src = nullptr;
		ret = api(env).pmem2_source_delete(&src);
		cleared = src == nullptr;
	} else {
		throw Napi::TypeError::New(env,
			"unknown kind '" + kind + "' (known: config, source)");
	}
	Napi::Object r = result_object(env, ret);
	r.Set("pointerCleared", Napi::Boolean::New(env, cleared));
	return r;
}

/* what a child of ForkMore reports through its pipe */
struct MoreReport {
	int stage; /* 0: the call ran; 1: setting up the condition failed */
	int code;
	int first_code; /* map_delete_stale: the delete of the original */
	char message[512];
};

/*
 * exhaust_heap -- with the address space limited to what the child holds
 * plus `headroom`, allocates until even a 16-byte malloc fails, so that
 * the library's next allocation (of any size) fails as it would in a
 * process out of memory. Nothing is freed: the child exits after one call.
 */
static volatile uintptr_t kept; /* the allocations must not be elided */

static bool
keep(void *p)
{
	kept = reinterpret_cast<uintptr_t>(p);
	return p != nullptr;
}

static int
exhaust_heap(const Pmem2Api &lib, uint64_t headroom)
{
	/*
	 * The library allocates a thread's error-message buffer on first use
	 * and aborts when it cannot: made now, it is what any thread that has
	 * called the library before already holds.
	 */
	(void)lib.pmem2_errormsg();
	FILE *f = fopen("/proc/self/statm", "r");
	if (f == nullptr)
		return errno;
	unsigned long pages = 0;
	int n = fscanf(f, "%lu", &pages);
	(void)fclose(f); /* read-only */
	if (n != 1)
		return EPROTO;
	uint64_t size = (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
	struct rlimit rl = {size + headroom, size + headroom};
	if (setrlimit(RLIMIT_AS, &rl) != 0)
		return errno;
	for (size_t chunk = 1 << 20; chunk > 4096; chunk /= 2) {
		while (keep(malloc(chunk)))
			;
	}
	/*
	 * Every small size on its own: freed chunks wait in per-size caches
	 * (tcache, fastbins) that a request of another size never drains.
	 */
	for (size_t sz = 4096; sz >= 8; sz -= 8) {
		while (keep(malloc(sz)))
			;
	}
	return malloc(8) == nullptr ? 0 : EAGAIN;
}

/*
 * fail_munmap -- a seccomp filter that makes every munmap(2) of this
 * process fail with EINVAL: the only way to see the library pass munmap's
 * EINVAL through, since the range it unmaps is its own, page-aligned one
 */
static int
fail_munmap()
{
#if defined(__x86_64__)
	const uint32_t arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	const uint32_t arch = AUDIT_ARCH_AARCH64;
#else
	return ENOSYS;
#endif
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_munmap, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			SECCOMP_RET_ERRNO | (EINVAL & 0xffff)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {(unsigned short)(sizeof(filter) /
					  sizeof(filter[0])),
		filter};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return errno;
	return 0;
}

/* the SDS a child's pmemset_source_set_sds is given: the library may keep pointers to it */
static pmemset_sds oom_sds;
static pmemset_part_state oom_state;

/*
 * pmemset_oom_call -- the libpmemset call `what`, made with every malloc
 * failing; what it made is left (the child exits). For
 * pmemset_source_set_sds, `again` gets the code of a second call on the
 * same source, still out of memory: PMEMSET_E_SDS_ALREADY_SET tells that a
 * first call that returned 0 did store the SDS.
 */
static int
pmemset_oom_call(const PmemsetApi &set, const std::string &what,
	pmemset_config *cfg, pmem2_source *p2src, const char *path,
	pmemset_source *setsrc, int *again)
{
	if (what == "pmemset_source_set_sds") {
		int ret = set.pmemset_source_set_sds(setsrc, &oom_sds,
			&oom_state);
		if (ret == 0)
			*again = set.pmemset_source_set_sds(setsrc, &oom_sds,
				&oom_state);
		return ret;
	}
	if (what == "pmemset_new") {
		pmemset *s = nullptr;
		return set.pmemset_new(&s, cfg);
	}
	if (what == "pmemset_config_new") {
		pmemset_config *c = nullptr;
		return set.pmemset_config_new(&c);
	}
	if (what == "pmemset_map_config_new") {
		pmemset_map_config *mc = nullptr;
		return set.pmemset_map_config_new(&mc);
	}
	pmemset_source *src = nullptr;
	if (what == "pmemset_source_from_pmem2")
		return set.pmemset_source_from_pmem2(&src, p2src);
	if (what == "pmemset_source_from_file")
		return set.pmemset_source_from_file(&src, path);
	if (what == "pmemset_xsource_from_file")
		return set.pmemset_xsource_from_file(&src, path, 0);
	return set.pmemset_source_from_temporary(&src, path);
}

struct ndctl_ctx;
typedef int (*ndctl_new_fn)(struct ndctl_ctx **);

/*
 * find_ndctl_new -- libndctl's ndctl_new, from the libndctl the library
 * under test loaded (none: nullptr); resolved before the heap is exhausted
 */
static ndctl_new_fn
find_ndctl_new()
{
	void *h = dlopen("libndctl.so.6", RTLD_NOW | RTLD_NOLOAD);
	if (h == nullptr)
		return nullptr;
	ndctl_new_fn fn = reinterpret_cast<ndctl_new_fn>(dlsym(h, "ndctl_new"));
	/* still loaded: libpmem2 holds it; the pointer stays valid */
	(void)dlclose(h);
	return fn;
}

typedef int (*device_id_fn)(const struct pmem2_source *, char *, size_t *);
typedef int (*device_usc_fn)(const struct pmem2_source *, uint64_t *);

/*
 * source_query -- one of the source queries that ask libndctl about the
 * source's device (each begins with ndctl_new); what it made is left
 */
static int
source_query(const std::string &what, void *fn, pmem2_source *src)
{
	if (what == "pmem2_badblock_context_new") {
		pmem2_badblock_context *bb = nullptr;
		return reinterpret_cast<bb_new_fn>(fn)(&bb, src);
	}
	if (what == "pmem2_source_device_id") {
		size_t len = 0;
		return reinterpret_cast<device_id_fn>(fn)(src, nullptr, &len);
	}
	uint64_t usc = 0;
	return reinterpret_cast<device_usc_fn>(fn)(src, &usc);
}

/* lib_size -- the size of a map, as the library reports it */
static uint64_t
lib_size(Napi::Env env, pmem2_map *map)
{
	return api(env).pmem2_map_get_size(map);
}

/*
 * cpu_limit -- the child is killed by SIGXCPU after `seconds` of CPU
 * time: a call that spins forever ends, one that returns is unaffected
 */
static int
cpu_limit(uint64_t seconds)
{
	struct rlimit rl = {seconds, seconds + 1};
	if (setrlimit(RLIMIT_CPU, &rl) != 0)
		return errno;
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	if (sigemptyset(&dfl.sa_mask) != 0 ||
		sigaction(SIGXCPU, &dfl, nullptr) != 0)
		return errno;
	struct rlimit no_core = {0, 0};
	(void)setrlimit(RLIMIT_CORE, &no_core); /* untidy, not wrong */
	return 0;
}

/*
 * memset_check -- the map's memset of 0x5a over [off, off+len), then its
 * persist: 0 when every byte reads back, 1 otherwise
 */
static int
memset_check(const Pmem2Api &lib, pmem2_map *map, uint64_t off, uint64_t len)
{
	char *p = static_cast<char *>(lib.pmem2_map_get_address(map)) + off;
	lib.pmem2_get_memset_fn(map)(p, 0x5a, len, 0);
	lib.pmem2_get_persist_fn(map)(p, len);
	for (uint64_t i = 0; i < len; i++)
		if (p[i] != 0x5a)
			return 1;
	return 0;
}

/*
 * ForkMore -- forkMore(op, ...args) -> {stage, code, message, firstCode?}
 * or {signal}. Ops:
 *  "map_from_existing_oom"(source, address, length, granularity, headroom):
 *	pmem2_map_from_existing with the heap exhausted
 *  "map_delete_stale"(map): pmem2_map_delete of a byte copy of the map
 *	after the original was deleted -- a struct pmem2_map the library no
 *	longer knows (the map must come from pmem2_map_from_existing, so that
 *	deleting the original unmaps nothing)
 *  "map_delete_munmap_einval"(map): pmem2_map_delete with munmap(2)
 *	failing with EINVAL
 *  "source_from_fd_oom"(fd, headroom), "source_from_anon_oom"(size,
 *	headroom): the source constructors with the heap exhausted
 *  "pmemset_oom"(function, arg, headroom): a libpmemset constructor, or
 *	pmemset_source_set_sds(source) (then `again`: a second call's code),
 *	with the heap exhausted
 *  "source_query_oom"(function, source, headroom):
 *	pmem2_badblock_context_new, pmem2_source_device_id or
 *	pmem2_source_device_usc of the source with the heap exhausted;
 *	`ndctlNew`: what libndctl's ndctl_new answered right after, in the
 *	same state (absent when the library loaded no libndctl.so.6)
 *  "map_memset_cpu_limited"(map, offset, length, seconds): the map's
 *	memset and persist over the range with RLIMIT_CPU set, so that a
 *	loop that never ends kills the child (SIGXCPU) instead of hanging
 *	the case; code 0 when the bytes read back, 1 when not
 * Nothing the child does reaches the parent's libpmem2 objects.
 */
static Napi::Value
ForkMore(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string op = arg_string(info, 0, "operation");
	pmem2_source *src = nullptr;
	pmem2_map *map = nullptr;
	uint64_t addr = 0, len = 0, headroom = 0;
	int gran = 0;
	map_from_existing_fn from_existing = nullptr;
	std::string set_what, set_path;
	pmemset_config *set_cfg = nullptr;
	pmemset_source *set_src = nullptr;
	void *query = nullptr; /* source_query_oom: the function */
	ndctl_new_fn ndctl_new = nullptr; /* ... and libndctl's ndctl_new */
	const PmemsetApi *setlib = nullptr;
	if (op == "map_from_existing_oom") {
		src = static_cast<pmem2_source *>(
			handle_get(info[1], HK_SOURCE)->ptr);
		addr = arg_u64(info, 2, "address");
		len = arg_u64(info, 3, "length");
		gran = arg_i32(info, 4, "granularity");
		headroom = arg_u64(info, 5, "headroom");
		from_existing = reinterpret_cast<map_from_existing_fn>(
			sym(env, "pmem2_map_from_existing"));
	} else if (op == "map_delete_stale" ||
		op == "map_delete_munmap_einval") {
		map = static_cast<pmem2_map *>(
			handle_get(info[1], HK_MAP)->ptr);
	} else if (op == "source_from_fd_oom" || op == "source_from_anon_oom") {
		/* the descriptor, or the anonymous size */
		addr = arg_u64(info, 1, "fd or size");
		headroom = arg_u64(info, 2, "headroom");
	} else if (op == "pmemset_oom") {
		set_what = arg_string(info, 1, "function");
		setlib = pmemset_api();
		if (setlib == nullptr)
			throw Napi::Error::New(env, "libpmemset is not loaded");
		if (set_what == "pmemset_new")
			set_cfg = static_cast<pmemset_config *>(
				handle_get(info[2], HK_SET_CONFIG)->ptr);
		else if (set_what == "pmemset_source_from_pmem2")
			src = static_cast<pmem2_source *>(
				handle_get(info[2], HK_SOURCE)->ptr);
		else if (set_what == "pmemset_source_set_sds")
			set_src = static_cast<pmemset_source *>(
				handle_get(info[2], HK_SET_SOURCE)->ptr);
		else if (set_what == "pmemset_source_from_file" ||
			set_what == "pmemset_xsource_from_file" ||
			set_what == "pmemset_source_from_temporary")
			set_path = arg_string(info, 2, "path");
		else if (set_what != "pmemset_config_new" &&
			set_what != "pmemset_map_config_new")
			throw Napi::TypeError::New(env,
				"pmemset_oom: unknown function '" + set_what +
					"'");
		headroom = arg_u64(info, 3, "headroom");
		missing_require("libpmemset", setlib->missing,
			set_what.c_str());
	} else if (op == "source_query_oom") {
		set_what = arg_string(info, 1, "function");
		if (set_what != "pmem2_badblock_context_new" &&
			set_what != "pmem2_source_device_id" &&
			set_what != "pmem2_source_device_usc")
			throw Napi::TypeError::New(env,
				"source_query_oom: unknown function '" +
					set_what + "'");
		src = static_cast<pmem2_source *>(
			handle_get(info[2], HK_SOURCE)->ptr);
		headroom = arg_u64(info, 3, "headroom");
		query = sym(env, set_what.c_str());
		ndctl_new = find_ndctl_new();
	} else if (op == "map_memset_cpu_limited") {
		HandleRecord *rec = handle_get(info[1], HK_MAP);
		map = static_cast<pmem2_map *>(rec->ptr);
		addr = arg_u64(info, 2, "offset");
		len = arg_u64(info, 3, "length");
		headroom = arg_u64(info, 4, "cpu seconds");
		if ((rec->prot & (PMEM2_PROT_READ | PMEM2_PROT_WRITE)) !=
				(PMEM2_PROT_READ | PMEM2_PROT_WRITE) ||
			addr > lib_size(env, map) ||
			len > lib_size(env, map) - addr)
			throw Napi::RangeError::New(env,
				"the range is outside the map or the map is "
				"not read-write");
	} else {
		throw Napi::TypeError::New(env,
			"unknown child operation '" + op + "'");
	}
	const Pmem2Api &lib = api(env);

	int pipefd[2];
	pid_t pid = fork_piped(env, pipefd);
	if (pid == 0) {
		(void)close(pipefd[0]); /* changes nothing in the child */
		MoreReport rep;
		memset(&rep, 0, sizeof(rep));
		int err = 0;
		if (op == "map_from_existing_oom") {
			err = exhaust_heap(lib, headroom);
			if (!err) {
				pmem2_map *m = nullptr;
				rep.code = from_existing(&m, src,
					reinterpret_cast<void *>(addr), len,
					static_cast<enum pmem2_granularity>(
						gran));
			}
		} else if (op == "map_delete_stale") {
			size_t n = malloc_usable_size(map);
			void *copy = n ? malloc(n) : nullptr;
			if (copy == nullptr) {
				err = ENOMEM;
			} else {
				memcpy(copy, map, n);
				pmem2_map *orig = map;
				rep.first_code = lib.pmem2_map_delete(&orig);
				pmem2_map *stale =
					static_cast<pmem2_map *>(copy);
				rep.code = lib.pmem2_map_delete(&stale);
			}
		} else if (op == "source_from_fd_oom" ||
			op == "source_from_anon_oom") {
			err = exhaust_heap(lib, headroom);
			pmem2_source *s = nullptr;
			if (!err && op == "source_from_fd_oom")
				rep.code =
					lib.pmem2_source_from_fd(&s, (int)addr);
			else if (!err)
				rep.code = lib.pmem2_source_from_anon(&s, addr);
		} else if (op == "pmemset_oom") {
			/* its message buffer, as any earlier caller holds it */
			(void)setlib->pmemset_errormsg();
			err = exhaust_heap(lib, headroom);
			if (!err)
				rep.code = pmemset_oom_call(*setlib, set_what,
					set_cfg, src, set_path.c_str(), set_src,
					&rep.first_code);
			if (!err && rep.code != 0) {
				const char *m = setlib->pmemset_errormsg();
				(void)snprintf(rep.message, sizeof(rep.message),
					"%s", m ? m : "");
			}
		} else if (op == "source_query_oom") {
			err = exhaust_heap(lib, headroom);
			if (!err) {
				rep.code = source_query(set_what, query, src);
				/* what ndctl_new itself answers out of memory */
				struct ndctl_ctx *nc = nullptr;
				rep.first_code = ndctl_new ? ndctl_new(&nc) : 1;
			}
		} else if (op == "map_memset_cpu_limited") {
			err = cpu_limit(headroom);
			if (!err)
				rep.code = memset_check(lib, map, addr, len);
		} else {
			err = fail_munmap();
			if (!err) {
				pmem2_map *m = map;
				rep.code = lib.pmem2_map_delete(&m);
			}
		}
		if (err) {
			rep.stage = 1;
			rep.code = err;
			/* cut to the report's size on purpose */
			(void)snprintf(rep.message, sizeof(rep.message), "%s",
				strerror(err));
		} else if (rep.code != 0 && op != "pmemset_oom") {
			const char *m = lib.pmem2_errormsg();
			(void)snprintf(rep.message, sizeof(rep.message), "%s",
				m ? m : "");
		}
		write_report(pipefd[1], &rep, sizeof(rep));
		_exit(0);
	}
	MoreReport rep;
	int read_err;
	bool complete;
	int status = reap_report(env, pid, pipefd, &rep, sizeof(rep), &complete,
		&read_err);
	Napi::Object r = Napi::Object::New(env);
	if (WIFSIGNALED(status)) {
		r.Set("signal", Napi::Number::New(env, WTERMSIG(status)));
		return r;
	}
	if (!complete)
		throw Napi::Error::New(env, "child exited without a report");
	r.Set("stage", Napi::String::New(env, rep.stage ? "setup" : "call"));
	r.Set("code", Napi::Number::New(env, rep.code));
	if (op == "map_delete_stale" && rep.stage == 0)
		r.Set("firstCode", Napi::Number::New(env, rep.first_code));
	if (op == "source_query_oom" && rep.stage == 0 && rep.first_code <= 0)
		r.Set("ndctlNew", Napi::Number::New(env, rep.first_code));
	if (set_what == "pmemset_source_set_sds" && rep.stage == 0 &&
		rep.code == 0)
		r.Set("again", Napi::Number::New(env, rep.first_code));
	if (rep.message[0])
		r.Set("message", Napi::String::New(env, rep.message));
	return r;
}

/*
 * ExecCode -- execCode() -> machine code of a function returning 42 on
 * this architecture, or null where the addon knows none
 */
static Napi::Value
ExecCode(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
#if defined(__x86_64__)
	/* mov $42, %eax; ret */
	static const unsigned char code[] = {0xb8, 0x2a, 0, 0, 0, 0xc3};
#elif defined(__aarch64__)
	/* mov w0, #42; ret */
	static const unsigned char code[] = {0x40, 0x05, 0x80, 0x52, 0xc0, 0x03,
		0x5f, 0xd6};
#else
	return env.Null();
#endif
	return Napi::Buffer<char>::Copy(env,
		reinterpret_cast<const char *>(code), sizeof(code));
}

/*
 * ForkExec -- forkExec(map, offset) -> {exited} or {signal}: a child calls
 * the code at map address + offset and exits with what it returned. The
 * fault signals get their default action back first (node's handlers must
 * not catch the fault).
 */
static Napi::Value
ForkExec(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_MAP);
	uint64_t off = arg_u64(info, 1, "offset");
	const Pmem2Api &lib = api(env);
	pmem2_map *map = static_cast<pmem2_map *>(rec->ptr);
	if (off >= lib.pmem2_map_get_size(map))
		throw Napi::RangeError::New(env, "offset is outside the map");
	uintptr_t entry =
		reinterpret_cast<uintptr_t>(lib.pmem2_map_get_address(map)) +
		off;
	pid_t pid = fork();
	if (pid < 0)
		throw Napi::Error::New(env,
			std::string("fork: ") + strerror(errno));
	if (pid == 0) {
		struct rlimit no_core = {0, 0};
		(void)setrlimit(RLIMIT_CORE, &no_core); /* untidy, not wrong */
		struct sigaction dfl;
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigset_t unblock;
		if (sigemptyset(&dfl.sa_mask) != 0 ||
			sigemptyset(&unblock) != 0)
			_exit(125);
		for (int s : {SIGSEGV, SIGBUS, SIGILL}) {
			if (sigaction(s, &dfl, nullptr) != 0 ||
				sigaddset(&unblock, s) != 0)
				_exit(125);
		}
		if (sigprocmask(SIG_UNBLOCK, &unblock, nullptr) != 0)
			_exit(125);
		int (*fn)(void) = reinterpret_cast<int (*)(void)>(entry);
		_exit(fn() & 0xff);
	}
	int status = wait_child(env, pid);
	Napi::Object r = Napi::Object::New(env);
	if (WIFSIGNALED(status))
		r.Set("signal", Napi::Number::New(env, WTERMSIG(status)));
	else
		r.Set("exited", Napi::Number::New(env, WEXITSTATUS(status)));
	return r;
}

/* xorshift -- the threads' deterministic choices (seeded per thread) */
static uint64_t
xorshift(uint64_t &s)
{
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

struct LiveMap {
	pmem2_map *map;
	uint64_t slot;
	uint64_t slots;
};

/*
 * ConcurrentReservationMaps -- concurrentReservationMaps(reservation,
 * source, {threads, iterations, slots, slotSize, seed, granularity}) ->
 * {mapped, mappingExists, otherMapCodes, deleteCodes, overlaps, live}
 *
 * Each thread maps 1 or 2 slots of the reservation at a slot it picks, or
 * deletes one of its maps, so threads race for the same ranges. A map that
 * succeeded claims its slots; a claim that finds a slot held by another
 * live map is an overlap the library let through. The maps live at the end
 * are handed back as handles, to be checked against the reservation's own
 * view (map_find) and deleted by the caller.
 */
static Napi::Value
ConcurrentReservationMaps(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rsv_rec = handle_get(info[0], HK_RESERVATION);
	HandleRecord *src_rec = handle_get(info[1], HK_SOURCE);
	Napi::Object o = arg_object(info, 2, "options");
	uint64_t threads = 4, iterations = 200, slots = 16, slot_size = 0,
		 seed = 1;
	int32_t gran = PMEM2_GRANULARITY_PAGE;
	prop_u64(o, "threads", threads);
	prop_u64(o, "iterations", iterations);
	prop_u64(o, "slots", slots);
	prop_u64(o, "seed", seed);
	prop_i32(o, "granularity", gran);
	if (!prop_u64(o, "slotSize", slot_size) || slot_size == 0)
		throw Napi::TypeError::New(env, "options.slotSize is required");
	if (threads == 0 || threads > 64 || slots == 0 || slots > 4096)
		throw Napi::RangeError::New(env,
			"threads must be 1..64 and slots 1..4096");
	const Pmem2Api &lib = api(env);
	auto *rsv = static_cast<pmem2_vm_reservation *>(rsv_rec->ptr);
	auto *src = static_cast<pmem2_source *>(src_rec->ptr);

	std::vector<std::atomic<uint64_t>> owner(slots);
	for (auto &x : owner)
		x.store(0);
	std::atomic<uint64_t> mapped{0}, exists{0}, overlaps{0};
	std::mutex mu; /* guards the vectors below */
	std::vector<int> other_codes, delete_codes;
	std::vector<LiveMap> live;

	auto worker = [&](uint64_t tid) {
		uint64_t s = seed * 0x9e3779b97f4a7c15ULL + tid + 1;
		std::vector<LiveMap> mine;
		for (uint64_t i = 0; i < iterations; i++) {
			if (!mine.empty() && xorshift(s) % 2 == 0) {
				size_t k = xorshift(s) % mine.size();
				LiveMap lm = mine[k];
				mine.erase(mine.begin() + (long)k);
				/* released before the delete: a claim can
				 * only be missed, never made up */
				for (uint64_t j = 0; j < lm.slots; j++)
					owner[lm.slot + j].store(0);
				int ret = lib.pmem2_map_delete(&lm.map);
				if (ret != 0) {
					std::lock_guard<std::mutex> g(mu);
					delete_codes.push_back(ret);
				}
				continue;
			}
			uint64_t slot = xorshift(s) % slots;
			uint64_t n = 1 + xorshift(s) % 2;
			if (slot + n > slots)
				n = 1;
			pmem2_config *cfg = nullptr;
			int ret = lib.pmem2_config_new(&cfg);
			if (ret == 0)
				ret = lib.pmem2_config_set_required_store_granularity(
					cfg, (enum pmem2_granularity)gran);
			if (ret == 0)
				ret = lib.pmem2_config_set_length(cfg,
					n * slot_size);
			if (ret == 0)
				ret = lib.pmem2_config_set_vm_reservation(cfg,
					rsv, slot * slot_size);
			pmem2_map *m = nullptr;
			if (ret == 0)
				ret = lib.pmem2_map_new(&m, cfg, src);
			if (cfg != nullptr)
				(void)lib.pmem2_config_delete(
					&cfg); /* always 0 */
			if (ret == PMEM2_E_MAPPING_EXISTS) {
				exists++;
				continue;
			}
			if (ret != 0) {
				std::lock_guard<std::mutex> g(mu);
				other_codes.push_back(ret);
				continue;
			}
			mapped++;
			for (uint64_t j = 0; j < n; j++) {
				uint64_t expect = 0;
				if (!owner[slot + j]
						.compare_exchange_strong(expect,
							tid + 1))
					overlaps++;
			}
			mine.push_back({m, slot, n});
		}
		std::lock_guard<std::mutex> g(mu);
		live.insert(live.end(), mine.begin(), mine.end());
	};
	std::vector<std::thread> pool;
	for (uint64_t t = 0; t < threads; t++)
		pool.emplace_back(worker, t);
	for (auto &t : pool)
		t.join();

	Napi::Object r = Napi::Object::New(env);
	r.Set("mapped", Napi::Number::New(env, (double)mapped.load()));
	r.Set("mappingExists", Napi::Number::New(env, (double)exists.load()));
	r.Set("overlaps", Napi::Number::New(env, (double)overlaps.load()));
	Napi::Array oc = Napi::Array::New(env, other_codes.size());
	for (size_t i = 0; i < other_codes.size(); i++)
		oc.Set((uint32_t)i, Napi::Number::New(env, other_codes[i]));
	r.Set("otherMapCodes", oc);
	Napi::Array dc = Napi::Array::New(env, delete_codes.size());
	for (size_t i = 0; i < delete_codes.size(); i++)
		dc.Set((uint32_t)i, Napi::Number::New(env, delete_codes[i]));
	r.Set("deleteCodes", dc);
	Napi::Array lv = Napi::Array::New(env, live.size());
	for (size_t i = 0; i < live.size(); i++) {
		Napi::Object e = Napi::Object::New(env);
		e.Set("map",
			handle_new(env, HK_MAP, live[i].map,
				PMEM2_PROT_READ | PMEM2_PROT_WRITE));
		e.Set("offset", u64_value(env, live[i].slot * slot_size));
		e.Set("size", u64_value(env, live[i].slots * slot_size));
		lv.Set((uint32_t)i, e);
	}
	r.Set("live", lv);
	return r;
}

/*
 * ConcurrentMaps -- concurrentMaps(config, source, threads, iterations) ->
 * {mapped, codes, deleteCodes, overlaps}: threads map and delete with one
 * config and one source at once; a map whose range overlaps another live
 * one is counted
 */
static Napi::Value
ConcurrentMaps(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	auto *cfg = static_cast<pmem2_config *>(
		handle_get(info[0], HK_CONFIG)->ptr);
	auto *src = static_cast<pmem2_source *>(
		handle_get(info[1], HK_SOURCE)->ptr);
	uint64_t threads = arg_u64(info, 2, "threads");
	uint64_t iterations = arg_u64(info, 3, "iterations");
	if (threads == 0 || threads > 64)
		throw Napi::RangeError::New(env, "threads must be 1..64");
	const Pmem2Api &lib = api(env);
	std::mutex mu; /* guards everything below */
	std::vector<std::pair<uintptr_t, size_t>> ranges;
	std::vector<int> codes, delete_codes;
	uint64_t mapped = 0, overlaps = 0;
	auto worker = [&]() {
		for (uint64_t i = 0; i < iterations; i++) {
			pmem2_map *m = nullptr;
			int ret = lib.pmem2_map_new(&m, cfg, src);
			if (ret != 0) {
				std::lock_guard<std::mutex> g(mu);
				codes.push_back(ret);
				continue;
			}
			uintptr_t a = reinterpret_cast<uintptr_t>(
				lib.pmem2_map_get_address(m));
			size_t n = lib.pmem2_map_get_size(m);
			{
				std::lock_guard<std::mutex> g(mu);
				mapped++;
				for (auto &x : ranges)
					if (a < x.first + x.second &&
						x.first < a + n)
						overlaps++;
				ranges.emplace_back(a, n);
			}
			{
				/* forgotten before the delete, as above */
				std::lock_guard<std::mutex> g(mu);
				for (size_t k = 0; k < ranges.size(); k++)
					if (ranges[k].first == a) {
						ranges.erase(ranges.begin() +
							(long)k);
						break;
					}
			}
			ret = lib.pmem2_map_delete(&m);
			if (ret != 0) {
				std::lock_guard<std::mutex> g(mu);
				delete_codes.push_back(ret);
			}
		}
	};
	std::vector<std::thread> pool;
	for (uint64_t t = 0; t < threads; t++)
		pool.emplace_back(worker);
	for (auto &t : pool)
		t.join();
	Napi::Object r = Napi::Object::New(env);
	r.Set("mapped", Napi::Number::New(env, (double)mapped));
	r.Set("overlaps", Napi::Number::New(env, (double)overlaps));
	Napi::Array c = Napi::Array::New(env, codes.size());
	for (size_t i = 0; i < codes.size(); i++)
		c.Set((uint32_t)i, Napi::Number::New(env, codes[i]));
	r.Set("codes", c);
	Napi::Array d = Napi::Array::New(env, delete_codes.size());
	for (size_t i = 0; i < delete_codes.size(); i++)
		d.Set((uint32_t)i, Napi::Number::New(env, delete_codes[i]));
	r.Set("deleteCodes", d);
	return r;
}

void
more_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("pmem2Exports", Napi::Function::New(env, Pmem2Exports));
	exports.Set("plainMap", Napi::Function::New(env, PlainMap));
	exports.Set("plainUnmap", Napi::Function::New(env, PlainUnmap));
	exports.Set("mapFromExisting",
		Napi::Function::New(env, MapFromExisting));
	exports.Set("sourceNumaNode", Napi::Function::New(env, SourceNumaNode));
	exports.Set("badblockContextNew",
		Napi::Function::New(env, BadblockContextNew));
	exports.Set("sourcePreadMcsafe",
		Napi::Function::New(env, SourcePreadMcsafe));
	exports.Set("sourcePwriteMcsafe",
		Napi::Function::New(env, SourcePwriteMcsafe));
	exports.Set("deleteNull", Napi::Function::New(env, DeleteNull));
	exports.Set("forkMore", Napi::Function::New(env, ForkMore));
	exports.Set("execCode", Napi::Function::New(env, ExecCode));
	exports.Set("forkExec", Napi::Function::New(env, ForkExec));
	exports.Set("concurrentReservationMaps",
		Napi::Function::New(env, ConcurrentReservationMaps));
	exports.Set("concurrentMaps", Napi::Function::New(env, ConcurrentMaps));
}

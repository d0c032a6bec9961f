/*
 * The data path of a set. Addresses come from JS as numbers; before the
 * library touches memory we check, from /proc/self/maps, that the range is
 * mapped with the access needed, so a wrong address is a JS error.
 */
#include "missing.h"
#include "pmemset_entry.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <pthread.h>
#include <sys/uio.h>
#include <unistd.h>

static void
require(Napi::Env env, uint64_t addr, uint64_t len, const char *perms)
{
	if (!range_accessible((uintptr_t)addr, (size_t)len, perms))
		throw Napi::RangeError::New(
			env,
			"range 0x" +
				[&] {
					char b[32];
					/* 16 hex digits at most: always fits */
					(void)snprintf(b, sizeof(b), "%llx",
						(unsigned long long)addr);
					return std::string(b);
				}() +
				" +" + std::to_string(len) + " is not mapped " +
				perms);
}

static Napi::Value
Memcpy(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t dst = arg_u64(info, 1, "destination");
	Napi::Buffer<char> buf = arg_buffer(info, 2, "data");
	unsigned flags = arg_u32(info, 3, "flags");
	require(env, dst, buf.Length(), "rw");
	void *r = set_api(env).pmemset_memcpy(set,
		reinterpret_cast<void *>(dst), buf.Data(), buf.Length(), flags);
	return u64_value(env, (uintptr_t)r);
}

static Napi::Value
Memmove(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t dst = arg_u64(info, 1, "destination");
	uint64_t src = arg_u64(info, 2, "source");
	uint64_t len = arg_u64(info, 3, "length");
	unsigned flags = arg_u32(info, 4, "flags");
	require(env, dst, len, "rw");
	require(env, src, len, "r");
	void *r =
		set_api(env).pmemset_memmove(set, reinterpret_cast<void *>(dst),
			reinterpret_cast<void *>(src), len, flags);
	return u64_value(env, (uintptr_t)r);
}

static Napi::Value
Memset(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t dst = arg_u64(info, 1, "destination");
	int c = arg_i32(info, 2, "value");
	uint64_t len = arg_u64(info, 3, "length");
	unsigned flags = arg_u32(info, 4, "flags");
	require(env, dst, len, "rw");
	void *r = set_api(env).pmemset_memset(set,
		reinterpret_cast<void *>(dst), c, len, flags);
	return u64_value(env, (uintptr_t)r);
}

static Napi::Value
Persist(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t addr = arg_u64(info, 1, "address");
	uint64_t len = arg_u64(info, 2, "length");
	require(env, addr, len, "r");
	return set_result_object(env,
		set_api(env).pmemset_persist(set,
			reinterpret_cast<void *>(addr), len));
}

static Napi::Value
Flush(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t addr = arg_u64(info, 1, "address");
	uint64_t len = arg_u64(info, 2, "length");
	require(env, addr, len, "r");
	return set_result_object(env,
		set_api(env).pmemset_flush(set, reinterpret_cast<void *>(addr),
			len));
}

static Napi::Value
Drain(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	return set_result_object(env, set_api(env).pmemset_drain(set));
}

/* deep flush is given any range: the library must refuse what is not its own */
static Napi::Value
DeepFlush(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t addr = arg_u64(info, 1, "address");
	uint64_t len = arg_u64(info, 2, "length");
	return set_result_object(env,
		set_api(env).pmemset_deep_flush(set,
			reinterpret_cast<void *>(addr), len));
}

/* readAddress(addr, len): plain loads, to check what the library left */
static Napi::Value
ReadAddress(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t addr = arg_u64(info, 0, "address");
	uint64_t len = arg_u64(info, 1, "length");
	require(env, addr, len, "r");
	return Napi::Buffer<char>::Copy(env, reinterpret_cast<char *>(addr),
		len);
}

/*
 * self_copy -- process_vm_readv/writev(2) on this process: a fault on an
 * address that is not mapped with the access asked for is an EFAULT, not
 * a signal, so a wrong address from the library cannot take node down
 */
static bool
self_copy(char *local, uint64_t remote, uint64_t len, bool write)
{
	size_t done = 0;
	while (done < len) {
		struct iovec l = {local + done, (size_t)(len - done)};
		struct iovec r = {reinterpret_cast<void *>(remote + done),
			(size_t)(len - done)};
		ssize_t n = write ?
			process_vm_writev(getpid(), &l, 1, &r, 1, 0) :
			process_vm_readv(getpid(), &l, 1, &r, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/*
 * readRanges(addrs, lens, perms): for each range, a copy of its bytes when
 * it is mapped with `perms` (which must allow reading), or null. The
 * kernel checks the access for us: the bytes are read with
 * process_vm_readv, and for "rw" written back unchanged with
 * process_vm_writev, which fails on a mapping that does not allow writing.
 * Model-based properties check every part of a set after every step, and
 * parsing /proc/self/maps for it was most of their time. Where the kernel
 * answers per address (PROCMAP_QUERY), "rw" is its answer instead of the
 * write-back, and every range is read with one system call when all are
 * readable (one per range otherwise, to say which is not).
 */
static Napi::Value
ReadRanges(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::vector<uint64_t> addrs = arg_u64_array(info, 0, "addresses");
	std::vector<uint64_t> lens = arg_u64_array(info, 1, "lengths");
	std::string perms = arg_string(info, 2, "perms");
	if (addrs.size() != lens.size())
		throw Napi::RangeError::New(env,
			"addresses and lengths differ in number");
	if (perms != "r" && perms != "rw")
		throw Napi::RangeError::New(env, "perms must be r or rw");
	bool write = perms == "rw";
	size_t n = addrs.size();
	/* 1: writable by the kernel's answer, 0: not, -1: write back to know */
	std::vector<int> writable(n, 1);
	std::vector<bool> valid(n, true);
	MapsQuery q;
	for (size_t k = 0; k < n; k++) {
		valid[k] =
			addrs[k] + lens[k] >= addrs[k] && lens[k] <= SSIZE_MAX;
		if (valid[k] && write)
			writable[k] = q.cover((uintptr_t)addrs[k],
				(size_t)lens[k], "rw");
	}
	std::vector<Napi::Buffer<char>> bufs;
	std::vector<struct iovec> local, remote;
	size_t total = 0;
	bool batch = true;
	for (size_t k = 0; k < n; k++) {
		bufs.push_back(Napi::Buffer<char>::New(env,
			valid[k] && writable[k] != 0 ? lens[k] : 0));
		if (!valid[k] || writable[k] == 0 || lens[k] == 0)
			continue;
		local.push_back({bufs[k].Data(), (size_t)lens[k]});
		remote.push_back(
			{reinterpret_cast<void *>(addrs[k]), (size_t)lens[k]});
		if (total + lens[k] < total || total + lens[k] > SSIZE_MAX)
			batch = false;
		total += lens[k];
	}
	/* IOV_MAX iovecs at most in one call; the per-range reads below otherwise */
	batch = batch && local.size() <= IOV_MAX;
	bool all_read = false;
	if (batch && !local.empty()) {
		ssize_t got;
		do
			got = process_vm_readv(getpid(), local.data(),
				local.size(), remote.data(), remote.size(), 0);
		while (got < 0 && errno == EINTR);
		all_read = got >= 0 && (size_t)got == total;
	}
	Napi::Array out = Napi::Array::New(env, n);
	for (size_t k = 0; k < n; k++) {
		bool ok = valid[k] && writable[k] != 0;
		if (ok && !all_read)
			ok = self_copy(bufs[k].Data(), addrs[k], lens[k],
				false);
		if (ok && writable[k] < 0)
			ok = self_copy(bufs[k].Data(), addrs[k], lens[k], true);
		out.Set((uint32_t)k, ok ? Napi::Value(bufs[k]) : env.Null());
	}
	return out;
}

/*
 * isMapped(addr, len, perms?, how?): how "text" reads the whole of
 * /proc/self/maps, as kernels before PROCMAP_QUERY make every check do,
 * so a test can hold the two answers side by side
 */
static Napi::Value
IsMapped(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t addr = arg_u64(info, 0, "address");
	uint64_t len = arg_u64(info, 1, "length");
	std::string perms =
		arg_present(info, 2) ? arg_string(info, 2, "perms") : "";
	std::string how =
		arg_present(info, 3) ? arg_string(info, 3, "how") : "";
	if (how != "" && how != "text" && how != "query")
		throw Napi::RangeError::New(env, "how must be text or query");
	return Napi::Boolean::New(env,
		range_accessible_by((uintptr_t)addr, len, perms.c_str(),
			how == "text"));
}

/* mapsQuery() -> whether range checks ask the kernel per address: 1 yes, 0 no (older kernel), -1 none made yet */
static Napi::Value
MapsQuery(const Napi::CallbackInfo &info)
{
	return Napi::Number::New(info.Env(), range_query_support());
}

static Napi::Value
ErrToErrno(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int code = arg_i32(info, 0, "code");
	return Napi::Number::New(env, set_api(env).pmemset_err_to_errno(code));
}

static Napi::Value
Errormsg(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	const char *m = set_api(env).pmemset_errormsg();
	return Napi::String::New(env, m ? m : "");
}

/* what the other thread did and read; no N-API call is made on it */
struct SetThreadErr {
	const PmemsetApi *api;
	bool fail;
	int code;
	std::string message;
};

/*
 * set_errormsg_thread -- on its own thread: optionally fails
 * pmemset_xsource_from_file (a flag bit no flag has, on a path that does
 * not exist: whichever check comes first fails it), then reads
 * pmemset_errormsg()
 */
static void *
set_errormsg_thread(void *arg)
{
	SetThreadErr *t = static_cast<SetThreadErr *>(arg);
	if (t->fail) {
		pmemset_source *src = nullptr;
		t->code = t->api->pmemset_xsource_from_file(&src,
			"/nonexistent/pmem-conform/other-thread", 1ULL << 20);
		if (t->code == 0)
			(void)t->api->pmemset_source_delete(&src);
	}
	const char *m = t->api->pmemset_errormsg();
	t->message = m ? m : "";
	return nullptr;
}

/*
 * ErrormsgInThread -- setErrormsgInThread(fail) -> {code?, message}:
 * pmemset_errormsg() as a new thread sees it; with `fail`, right after
 * that thread's failed pmemset_xsource_from_file (whose code is returned).
 * The thread is joined before returning.
 */
static Napi::Value
ErrormsgInThread(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	SetThreadErr t{&set_api(env),
		arg_present(info, 0) && info[0].ToBoolean(), 0, std::string()};
	pthread_t th;
	int err = pthread_create(&th, nullptr, set_errormsg_thread, &t);
	if (err)
		throw Napi::Error::New(env,
			std::string("pthread_create: ") + strerror(err));
	err = pthread_join(th, nullptr);
	if (err)
		throw Napi::Error::New(env,
			std::string("pthread_join: ") + strerror(err));
	Napi::Object r = Napi::Object::New(env);
	if (t.fail)
		r.Set("code", Napi::Number::New(env, t.code));
	r.Set("message", Napi::String::New(env, t.message));
	return r;
}

static Napi::Value
Load(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string path = arg_string(info, 0, "path");
	std::string err;
	if (!pmemset_api_load(path, err))
		throw Napi::Error::New(env, err);
	return Napi::String::New(env, pmemset_api()->path);
}

/* pmemsetMissing() -> the bound functions the loaded build does not export */
static Napi::Value
Missing(const Napi::CallbackInfo &info)
{
	return missing_names(info.Env(), set_api(info.Env()).missing);
}

void
pmemset_data_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("pmemsetLoad", Napi::Function::New(env, Load));
	exports.Set("pmemsetMissing", Napi::Function::New(env, Missing));
	exports.Set("setErrormsg", Napi::Function::New(env, Errormsg));
	exports.Set("setErrormsgInThread",
		Napi::Function::New(env, ErrormsgInThread));
	exports.Set("setErrToErrno", Napi::Function::New(env, ErrToErrno));
	exports.Set("setMemcpy", Napi::Function::New(env, Memcpy));
	exports.Set("setMemmove", Napi::Function::New(env, Memmove));
	exports.Set("setMemset", Napi::Function::New(env, Memset));
	exports.Set("setPersist", Napi::Function::New(env, Persist));
	exports.Set("setFlush", Napi::Function::New(env, Flush));
	exports.Set("setDrain", Napi::Function::New(env, Drain));
	exports.Set("setDeepFlush", Napi::Function::New(env, DeepFlush));
	exports.Set("readAddress", Napi::Function::New(env, ReadAddress));
	exports.Set("isMapped", Napi::Function::New(env, IsMapped));
	exports.Set("mapsQuery", Napi::Function::New(env, MapsQuery));
	exports.Set("readRanges", Napi::Function::New(env, ReadRanges));
}

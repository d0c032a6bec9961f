#include "handles.h"
#include "pmem2_api.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>
#include <unordered_map>

static const char *kind_names[HK_COUNT] = {"pmem2_source", "pmem2_config",
	"pmem2_map", "pmem2_vm_reservation", "pmemset_config", "pmemset",
	"pmemset_source", "pmemset_map_config", "pmemset_part_map",
	"pmemset_part", "pmemset_sds"};

static uint32_t next_id = 1;
/* the live records; node-based, so a record's address is stable */
static std::unordered_map<uint32_t, HandleRecord> live;
static std::unordered_map<const void *, uint32_t> live_maps;
/* native.ts's handle maker: (kind, id) -> handle object */
static Napi::FunctionReference *factory = nullptr;

const char *
handle_kind_name(HandleKind kind)
{
	return kind_names[kind];
}

uint32_t
handle_register(HandleKind kind, void *ptr, unsigned prot)
{
	uint32_t id = next_id++;
	live.emplace(id, HandleRecord{kind, ptr, id, prot});
	if (kind == HK_MAP)
		live_maps[ptr] = id;
	return id;
}

Napi::Value
handle_new(Napi::Env env, HandleKind kind, void *ptr, unsigned prot)
{
	if (factory == nullptr)
		throw Napi::Error::New(env,
			"the addon's handle maker is not set: load it through "
			"runner/core/native.ts");
	uint32_t id = handle_register(kind, ptr, prot);
	return factory->Call({Napi::String::New(env, kind_names[kind]),
		Napi::Number::New(env, id)});
}

/*
 * handle_get -- the live record of the expected kind named by `v`, what
 * native.ts passes for a handle object it made (minus its id). Anything else (an object
 * made elsewhere, null, an id never handed out, a record of another kind)
 * is a TypeError; an id handed out and since deleted is an Error.
 */
HandleRecord *
handle_get(const Napi::Value &v, HandleKind kind)
{
	Napi::Env env = v.Env();
	/*
	 * native.ts passes a handle as minus its id: a plain count or
	 * descriptor passed by mistake where a handle belongs is refused
	 */
	double d = v.IsNumber() ? -v.As<Napi::Number>().DoubleValue() : 0;
	uint32_t id = (d >= 1 && d < next_id) ? (uint32_t)d : 0;
	if (id == 0 || (double)id != d)
		throw Napi::TypeError::New(env,
			std::string("not a ") + kind_names[kind] +
				" handle made by this addon");
	auto it = live.find(id);
	if (it == live.end())
		throw Napi::Error::New(env,
			std::string(kind_names[kind]) + " handle #" +
				std::to_string(id) + " was already deleted");
	if (it->second.kind != kind)
		throw Napi::TypeError::New(env,
			std::string("not a ") + kind_names[kind] +
				" handle: #" + std::to_string(id) + " is a " +
				kind_names[it->second.kind]);
	return &it->second;
}

HandleRecord *
handle_get_optional(const Napi::Value &v, HandleKind kind)
{
	if (v.IsNull() || v.IsUndefined())
		return nullptr;
	return handle_get(v, kind);
}

uint32_t
handle_map_id(const void *map)
{
	auto it = live_maps.find(map);
	return it == live_maps.end() ? 0 : it->second;
}

void
handle_kill(HandleRecord *rec)
{
	if (rec->kind == HK_MAP)
		live_maps.erase(rec->ptr);
	live.erase(rec->id);
}

/* setHandleFactory(fn) -- the function that makes a handle object */
static Napi::Value
SetHandleFactory(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsFunction())
		throw Napi::TypeError::New(env, "expected a function");
	delete factory;
	factory = new Napi::FunctionReference(
		Napi::Persistent(info[0].As<Napi::Function>()));
	return env.Undefined();
}

int32_t *fast_out = nullptr;
static Napi::Reference<Napi::Int32Array> *fast_out_ref = nullptr;

/* setFastOut(Int32Array) -- where the fast entry points put their outputs */
static Napi::Value
SetFastOut(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	if (!info[0].IsTypedArray() ||
		info[0].As<Napi::TypedArray>().TypedArrayType() !=
			napi_int32_array ||
		info[0].As<Napi::Int32Array>().ElementLength() < FAST_OUT_LEN)
		throw Napi::TypeError::New(env,
			"expected an Int32Array of " +
				std::to_string(FAST_OUT_LEN) + " elements");
	Napi::Int32Array a = info[0].As<Napi::Int32Array>();
	delete fast_out_ref;
	fast_out_ref =
		new Napi::Reference<Napi::Int32Array>(Napi::Persistent(a));
	fast_out = a.Data();
	return env.Undefined();
}

int32_t *
fast_outputs(Napi::Env env)
{
	if (fast_out == nullptr)
		throw Napi::Error::New(env,
			"the addon's output array is not set: load it through "
			"runner/core/native.ts");
	return fast_out;
}

void
handles_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setHandleFactory",
		Napi::Function::New(env, SetHandleFactory));
	exports.Set("setFastOut", Napi::Function::New(env, SetFastOut));
}

Napi::Value
u64_value(Napi::Env env, uint64_t v)
{
	return Napi::BigInt::New(env, v);
}

Napi::Object
result_object(Napi::Env env, int code)
{
	Napi::Object r = Napi::Object::New(env);
	r.Set("code", Napi::Number::New(env, code));
	if (code != 0) {
		const char *msg = pmem2_api()->pmem2_errormsg();
		r.Set("message", Napi::String::New(env, msg ? msg : ""));
	}
	return r;
}

/*
 * maps_read -- the process's mappings, from /proc/self/maps, in address
 * order. Read in one go with read(2): the kernel builds the text on each
 * read, and stdio's line-at-a-time parsing cost more than the check itself
 * in the model-based properties, which ask after every step.
 */
bool
maps_read(std::vector<MapsEntry> &out)
{
	out.clear();
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	std::string text;
	char buf[16384];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			(void)close(
				fd); /* read-only: a failed close loses nothing */
			return false;
		}
		if (n == 0)
			break;
		text.append(buf, (size_t)n);
	}
	(void)close(fd); /* read-only: a failed close loses nothing */
	const char *p = text.c_str();
	while (*p != '\0') {
		char *e;
		unsigned long lo = strtoul(p, &e, 16);
		bool ok = *e == '-';
		unsigned long hi = ok ? strtoul(e + 1, &e, 16) : 0;
		ok = ok && *e == ' ' && e[1] != '\0' && e[2] != '\0';
		if (ok)
			out.push_back({lo, hi, e[1] == 'r', e[2] == 'w'});
		const char *nl = strchr(p, '\n');
		if (nl == nullptr)
			break;
		p = nl + 1;
	}
	return true;
}

/*
 * maps_cover -- is [addr, addr+len) covered by consecutive entries of
 * `maps` that all allow `perms` ("r", "rw")?
 */
bool
maps_cover(const std::vector<MapsEntry> &maps, uintptr_t addr, size_t len,
	const char *perms)
{
	if (len == 0)
		return true;
	uintptr_t end = addr + len;
	if (end < addr)
		return false;
	bool need_r = strchr(perms, 'r') != nullptr;
	bool need_w = strchr(perms, 'w') != nullptr;
	uintptr_t covered = addr;
	for (const MapsEntry &m : maps) {
		if (m.hi <= covered)
			continue;
		if (m.lo > covered)
			return false;
		if ((need_r && !m.r) || (need_w && !m.w))
			return false;
		covered = m.hi;
		if (covered >= end)
			return true;
	}
	return false;
}

/*
 * PROCMAP_QUERY (Linux 6.11, uapi/linux/fs.h, which Debian's headers may
 * predate): the mapping that covers one address, asked of /proc/self/maps
 * by ioctl. A process holding hundreds of mappings (Debian's libpmem2
 * leaves most of each deleted reservation's 4 MiB mapped, and a property
 * makes thousands) made the whole text of maps, read on every data-path
 * call, most of a pmemset property's time.
 */
struct procmap_query_abi {
	uint64_t size;
	uint64_t query_flags;
	uint64_t query_addr;
	uint64_t vma_start;
	uint64_t vma_end;
	uint64_t vma_flags;
	uint64_t vma_page_size;
	uint64_t vma_offset;
	uint64_t inode;
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t vma_name_size;
	uint32_t build_id_size;
	uint64_t vma_name_addr;
	uint64_t build_id_addr;
};
static_assert(sizeof(procmap_query_abi) == 104, "the kernel's struct size");
#define PROCMAP_QUERY_ABI _IOWR('f', 17, struct procmap_query_abi)
#define PROCMAP_VMA_READABLE 0x01
#define PROCMAP_VMA_WRITABLE 0x02

/* -1: not asked yet, 0: the kernel has no PROCMAP_QUERY, 1: it has */
static int procmap_query_works = -1;

/*
 * query_cover -- maps_cover's answer from the kernel, one mapping at a
 * time: 1 covered, 0 not, -1 the kernel cannot answer (read the text)
 */
static int
query_cover(int fd, uintptr_t addr, uintptr_t end, bool need_r, bool need_w)
{
	uintptr_t covered = addr;
	while (covered < end) {
		procmap_query_abi q;
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.query_addr = covered;
		if (ioctl(fd, PROCMAP_QUERY_ABI, &q) != 0) {
			if (errno == ENOENT) /* nothing covers this address */
				return 0;
			/* an older kernel: the text from now on */
			if (errno == ENOTTY || errno == EINVAL)
				procmap_query_works = 0;
			return -1;
		}
		if (q.vma_start > covered || q.vma_end <= covered)
			return -1; /* not the answer asked for: trust the text */
		if ((need_r && !(q.vma_flags & PROCMAP_VMA_READABLE)) ||
			(need_w && !(q.vma_flags & PROCMAP_VMA_WRITABLE)))
			return 0;
		covered = q.vma_end;
	}
	return 1;
}

MapsQuery::~MapsQuery()
{
	if (fd >= 0)
		(void)close(fd); /* read-only: a failed close loses nothing */
}

int
MapsQuery::cover(uintptr_t addr, size_t len, const char *perms)
{
	if (len == 0)
		return 1;
	uintptr_t end = addr + len;
	if (end < addr)
		return 0;
	if (procmap_query_works == 0)
		return -1;
	if (fd < 0) {
		/* opened per check (not cached for the process): a descriptor inherited by a forked child answers for the parent */
		fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
	}
	int r = query_cover(fd, addr, end, strchr(perms, 'r') != nullptr,
		strchr(perms, 'w') != nullptr);
	if (r >= 0)
		procmap_query_works = 1;
	return r;
}

bool
range_accessible(uintptr_t addr, size_t len, const char *perms)
{
	return range_accessible_by(addr, len, perms, false);
}

bool
range_accessible_by(uintptr_t addr, size_t len, const char *perms, bool text)
{
	/*
	 * Read from /proc/self/maps rather than asked of the library under
	 * test: a wrong answer from it must not make node fault.
	 */
	if (len == 0)
		return true;
	if (addr + len < addr)
		return false;
	if (!text) {
		MapsQuery q;
		int r = q.cover(addr, len, perms);
		if (r >= 0)
			return r == 1;
	}
	std::vector<MapsEntry> maps;
	return maps_read(maps) && maps_cover(maps, addr, len, perms);
}

int
range_query_support()
{
	return procmap_query_works;
}

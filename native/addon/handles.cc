#include "handles.h"
#include "pmem2_api.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <unordered_map>

/* random 128-bit tags, one per kind; any fixed distinct values would do */
static const napi_type_tag kind_tags[HK_COUNT] = {
	{0x6d2a4c51f0b34e1aULL, 0x8e0f5a1d2b3c4d5eULL},
	{0x1b7e3f9a5c2d4e6fULL, 0x9a8b7c6d5e4f3a2bULL},
	{0x3c5e7a9b1d2f4a6cULL, 0x7b6a5c4d3e2f1a0bULL},
	{0x5e7a9c1b3d5f7a9cULL, 0x2b4d6f8a1c3e5a7bULL},
	{0x71a2b3c4d5e6f708ULL, 0x192a3b4c5d6e7f80ULL},
	{0x82b3c4d5e6f70819ULL, 0x2a3b4c5d6e7f8091ULL},
	{0x93c4d5e6f708192aULL, 0x3b4c5d6e7f8091a2ULL},
	{0xa4d5e6f708192a3bULL, 0x4c5d6e7f8091a2b3ULL},
	{0xb5e6f708192a3b4cULL, 0x5d6e7f8091a2b3c4ULL},
	{0xc6f708192a3b4c5dULL, 0x6e7f8091a2b3c4d5ULL},
	{0xd708192a3b4c5d6eULL, 0x7f8091a2b3c4d5e6ULL},
};

static const char *kind_names[HK_COUNT] = {"pmem2_source", "pmem2_config",
	"pmem2_map", "pmem2_vm_reservation", "pmemset_config", "pmemset",
	"pmemset_source", "pmemset_map_config", "pmemset_part_map",
	"pmemset_part", "pmemset_sds"};

static uint32_t next_id = 1;
static std::unordered_map<const void *, uint32_t> live_maps;

const char *
handle_kind_name(HandleKind kind)
{
	return kind_names[kind];
}

static void
record_finalize(napi_env, void *data, void *)
{
	/*
	 * Only the record goes; the library object it points to is not
	 * deleted behind the test's back (a reservation may still hold maps).
	 */
	delete static_cast<HandleRecord *>(data);
}

Napi::Object
handle_new(Napi::Env env, HandleKind kind, void *ptr, unsigned prot)
{
	Napi::Object obj = Napi::Object::New(env);
	HandleRecord *rec = new HandleRecord{kind, ptr, true, next_id++, prot};

	napi_status st = napi_type_tag_object(env, obj, &kind_tags[kind]);
	if (st == napi_ok)
		st = napi_wrap(env, obj, rec, record_finalize, nullptr,
			nullptr);
	if (st != napi_ok) {
		delete rec;
		throw Napi::Error::New(env, "cannot create a native handle");
	}
	obj.Set("kind", Napi::String::New(env, kind_names[kind]));
	obj.Set("id", Napi::Number::New(env, rec->id));
	if (kind == HK_MAP)
		live_maps[ptr] = rec->id;
	return obj;
}

HandleRecord *
handle_get(const Napi::Value &v, HandleKind kind)
{
	Napi::Env env = v.Env();
	if (!v.IsObject())
		throw Napi::TypeError::New(env,
			std::string("expected a ") + kind_names[kind] +
				" handle");

	bool tagged = false;
	if (napi_check_object_type_tag(env, v, &kind_tags[kind], &tagged) !=
			napi_ok ||
		!tagged)
		throw Napi::TypeError::New(env,
			std::string("not a ") + kind_names[kind] +
				" handle made by this addon");

	void *data = nullptr;
	if (napi_unwrap(env, v, &data) != napi_ok || data == nullptr)
		throw Napi::TypeError::New(env, "handle has no native record");

	HandleRecord *rec = static_cast<HandleRecord *>(data);
	if (!rec->alive)
		throw Napi::Error::New(env,
			std::string(kind_names[kind]) + " handle #" +
				std::to_string(rec->id) +
				" was already deleted");
	return rec;
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
	rec->alive = false;
	rec->ptr = nullptr;
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

bool
range_accessible(uintptr_t addr, size_t len, const char *perms)
{
	/*
	 * Read from /proc/self/maps rather than asked of the library under
	 * test: a wrong answer from it must not make node fault.
	 */
	if (len == 0)
		return true;
	std::vector<MapsEntry> maps;
	return maps_read(maps) && maps_cover(maps, addr, len, perms);
}

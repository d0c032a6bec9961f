/* pmem2_map_* entry points and the data path of a map */
#include "entry.h"

#include <cstring>

/*
 * Written into *map_ptr before pmem2_map_new so the page's promise ("the
 * variable pointed by map_ptr will contain a NULL value" on failure) is
 * observable: an untouched variable still holds this value.
 */
static void *const MAP_PTR_SENTINEL =
	reinterpret_cast<void *>(0x5e5e5e5e5e5e5000ULL);

static const char *
pointer_state(void *p)
{
	if (p == nullptr)
		return "null";
	if (p == MAP_PTR_SENTINEL)
		return "unchanged";
	return "set";
}

static Napi::Value
MapNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *cfg = handle_get(info[0], HK_CONFIG);
	HandleRecord *src = handle_get(info[1], HK_SOURCE);
	pmem2_map *map = static_cast<pmem2_map *>(MAP_PTR_SENTINEL);
	int ret = api(env).pmem2_map_new(&map,
		static_cast<pmem2_config *>(cfg->ptr),
		static_cast<pmem2_source *>(src->ptr));
	Napi::Object r = result_object(env, ret);
	r.Set("mapPtr", Napi::String::New(env, pointer_state(map)));
	if (ret == 0 && map != nullptr && map != MAP_PTR_SENTINEL)
		r.Set("map", handle_new(env, HK_MAP, map, config_prot(cfg)));
	return r;
}

static pmem2_map *
map_of(const Napi::CallbackInfo &info, HandleRecord **rec_out = nullptr)
{
	HandleRecord *rec = handle_get(info[0], HK_MAP);
	if (rec_out)
		*rec_out = rec;
	return static_cast<pmem2_map *>(rec->ptr);
}

static Napi::Value
MapDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	pmem2_map *map = map_of(info, &rec);
	int ret = api(env).pmem2_map_delete(&map);
	Napi::Object r = result_object(env, ret);
	r.Set("mapPtr", Napi::String::New(env, pointer_state(map)));
	if (ret == 0)
		handle_kill(rec);
	return r;
}

static Napi::Value
MapGetAddress(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	void *a = api(env).pmem2_map_get_address(map_of(info));
	return u64_value(env, reinterpret_cast<uintptr_t>(a));
}

static Napi::Value
MapGetSize(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	return u64_value(env, api(env).pmem2_map_get_size(map_of(info)));
}

static Napi::Value
MapGetStoreGranularity(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	return Napi::Number::New(env,
		api(env).pmem2_map_get_store_granularity(map_of(info)));
}

/*
 * The address of [off, off+len) inside the map, after checking the range
 * and that the mapping's protection allows the access: node must never
 * fault on a test's behalf.
 */
static char *
checked_range(const Napi::CallbackInfo &info, HandleRecord *rec, uint64_t off,
	uint64_t len, unsigned need)
{
	Napi::Env env = info.Env();
	pmem2_map *map = static_cast<pmem2_map *>(rec->ptr);
	uint64_t size = api(env).pmem2_map_get_size(map);
	if (off > size || len > size - off)
		throw Napi::RangeError::New(env,
			"range [" + std::to_string(off) + ", +" +
				std::to_string(len) +
				") is outside the map of " +
				std::to_string(size) + " bytes");
	if ((rec->prot & need) != need)
		throw Napi::Error::New(env,
			"the map's protection does not "
			"allow this access; faulting accesses run in a child");
	return static_cast<char *>(api(env).pmem2_map_get_address(map)) + off;
}

static Napi::Value
MapPersist(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	pmem2_map *map = map_of(info, &rec);
	uint64_t off = arg_u64(info, 1, "offset"),
		 len = arg_u64(info, 2, "length");
	char *p = checked_range(info, rec, off, len, PMEM2_PROT_READ);
	api(env).pmem2_get_persist_fn(map)(p, len);
	return env.Undefined();
}

static Napi::Value
MapFlush(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	pmem2_map *map = map_of(info, &rec);
	uint64_t off = arg_u64(info, 1, "offset"),
		 len = arg_u64(info, 2, "length");
	char *p = checked_range(info, rec, off, len, PMEM2_PROT_READ);
	api(env).pmem2_get_flush_fn(map)(p, len);
	return env.Undefined();
}

static Napi::Value
MapDrain(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	api(env).pmem2_get_drain_fn(map_of(info))();
	return env.Undefined();
}

static Napi::Value
MapMemcpy(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	pmem2_map *map = map_of(info, &rec);
	uint64_t off = arg_u64(info, 1, "offset");
	Napi::Buffer<char> buf = arg_buffer(info, 2, "data");
	unsigned flags = arg_u32(info, 3, "flags");
	char *p = checked_range(info, rec, off, buf.Length(),
		PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	api(env).pmem2_get_memcpy_fn(map)(p, buf.Data(), buf.Length(), flags);
	return env.Undefined();
}

static Napi::Value
MapMemmove(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	pmem2_map *map = map_of(info, &rec);
	uint64_t dst = arg_u64(info, 1, "destination offset");
	uint64_t src = arg_u64(info, 2, "source offset");
	uint64_t len = arg_u64(info, 3, "length");
	unsigned flags = arg_u32(info, 4, "flags");
	unsigned rw = PMEM2_PROT_READ | PMEM2_PROT_WRITE;
	char *d = checked_range(info, rec, dst, len, rw);
	char *s = checked_range(info, rec, src, len, PMEM2_PROT_READ);
	api(env).pmem2_get_memmove_fn(map)(d, s, len, flags);
	return env.Undefined();
}

static Napi::Value
MapMemset(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	pmem2_map *map = map_of(info, &rec);
	uint64_t off = arg_u64(info, 1, "offset");
	int c = arg_i32(info, 2, "value");
	uint64_t len = arg_u64(info, 3, "length");
	unsigned flags = arg_u32(info, 4, "flags");
	char *p = checked_range(info, rec, off, len,
		PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	api(env).pmem2_get_memset_fn(map)(p, c, len, flags);
	return env.Undefined();
}

/* plain loads and stores, to check what the library's functions left */
static Napi::Value
MapRead(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	map_of(info, &rec);
	uint64_t off = arg_u64(info, 1, "offset"),
		 len = arg_u64(info, 2, "length");
	char *p = checked_range(info, rec, off, len, PMEM2_PROT_READ);
	return Napi::Buffer<char>::Copy(env, p, len);
}

static Napi::Value
MapWrite(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	map_of(info, &rec);
	uint64_t off = arg_u64(info, 1, "offset");
	Napi::Buffer<char> buf = arg_buffer(info, 2, "data");
	char *p = checked_range(info, rec, off, buf.Length(),
		PMEM2_PROT_READ | PMEM2_PROT_WRITE);
	memcpy(p, buf.Data(), buf.Length());
	return env.Undefined();
}

/*
 * Deep flush takes any offset, even outside the map: the library must
 * refuse it (PMEM2_E_DEEP_FLUSH_RANGE) before touching memory.
 */
static Napi::Value
MapDeepFlush(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_map *map = map_of(info);
	int64_t off = arg_i64(info, 1, "offset");
	uint64_t len = arg_u64(info, 2, "length");
	char *base = static_cast<char *>(api(env).pmem2_map_get_address(map));
	void *p = reinterpret_cast<void *>(reinterpret_cast<uintptr_t>(base) +
		static_cast<uintptr_t>(off));
	return result_object(env, api(env).pmem2_deep_flush(map, p, len));
}

void
map_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("mapNew", Napi::Function::New(env, MapNew));
	exports.Set("mapDelete", Napi::Function::New(env, MapDelete));
	exports.Set("mapGetAddress", Napi::Function::New(env, MapGetAddress));
	exports.Set("mapGetSize", Napi::Function::New(env, MapGetSize));
	exports.Set("mapGetStoreGranularity",
		Napi::Function::New(env, MapGetStoreGranularity));
	exports.Set("mapPersist", Napi::Function::New(env, MapPersist));
	exports.Set("mapFlush", Napi::Function::New(env, MapFlush));
	exports.Set("mapDrain", Napi::Function::New(env, MapDrain));
	exports.Set("mapMemcpy", Napi::Function::New(env, MapMemcpy));
	exports.Set("mapMemmove", Napi::Function::New(env, MapMemmove));
	exports.Set("mapMemset", Napi::Function::New(env, MapMemset));
	exports.Set("mapRead", Napi::Function::New(env, MapRead));
	exports.Set("mapWrite", Napi::Function::New(env, MapWrite));
	exports.Set("mapDeepFlush", Napi::Function::New(env, MapDeepFlush));
}

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

/* what *map_ptr held after a call, as native.ts's POINTER_STATES index */
static int32_t
pointer_state(void *p)
{
	if (p == nullptr)
		return 0; /* null */
	if (p == MAP_PTR_SENTINEL)
		return 1; /* unchanged */
	return 2; /* set */
}

/*
 * mapNew(cfg, src) -> code; fast_out[0] the new map handle's id (0: none),
 * fast_out[1] the state of *map_ptr (hot path)
 */
static Napi::Value
MapNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int32_t *out = fast_outputs(env);
	HandleRecord *cfg = handle_get(info[0], HK_CONFIG);
	HandleRecord *src = handle_get(info[1], HK_SOURCE);
	pmem2_map *map = static_cast<pmem2_map *>(MAP_PTR_SENTINEL);
	int ret = api(env).pmem2_map_new(&map,
		static_cast<pmem2_config *>(cfg->ptr),
		static_cast<pmem2_source *>(src->ptr));
	out[0] = ret == 0 && map != nullptr && map != MAP_PTR_SENTINEL ?
		(int32_t)handle_register(HK_MAP, map, config_prot(cfg)) :
		0;
	out[1] = pointer_state(map);
	return Napi::Number::New(env, ret);
}

static pmem2_map *
map_of(const Napi::CallbackInfo &info, HandleRecord **rec_out = nullptr)
{
	HandleRecord *rec = handle_get(info[0], HK_MAP);
	if (rec_out)
		*rec_out = rec;
	return static_cast<pmem2_map *>(rec->ptr);
}

/* mapDelete(id) -> code; fast_out[0] the state of *map_ptr (hot path) */
static Napi::Value
MapDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int32_t *out = fast_outputs(env);
	HandleRecord *rec = nullptr;
	pmem2_map *map = map_of(info, &rec);
	int ret = api(env).pmem2_map_delete(&map);
	out[0] = pointer_state(map);
	if (ret == 0)
		handle_kill(rec);
	return Napi::Number::New(env, ret);
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
	pmem2_memcpy_fn memcpy_fn = api(env).pmem2_get_memcpy_fn(map);
	void *r = memcpy_fn(p, buf.Data(), buf.Length(), flags);
	return u64_value(env, reinterpret_cast<uintptr_t>(r));
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
	void *r = api(env).pmem2_get_memmove_fn(map)(d, s, len, flags);
	return u64_value(env, reinterpret_cast<uintptr_t>(r));
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
	void *r = api(env).pmem2_get_memset_fn(map)(p, c, len, flags);
	return u64_value(env, reinterpret_cast<uintptr_t>(r));
}

/* fn_address -- a function the library handed out, as a number to compare */
template <typename Fn>
static Napi::Value
fn_address(Napi::Env env, Fn fn)
{
	return u64_value(env, reinterpret_cast<uintptr_t>(fn));
}

/*
 * MapFunctions -- mapFunctions(map) -> {persist, flush, drain, memmove,
 * memcpy, memset}: the addresses pmem2_get_*_fn return for the map (0 for
 * NULL), so that a case can see NULL and compare two answers
 */
static Napi::Value
MapFunctions(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_map *map = map_of(info);
	const Pmem2Api &a = api(env);
	Napi::Object r = Napi::Object::New(env);
	r.Set("persist", fn_address(env, a.pmem2_get_persist_fn(map)));
	r.Set("flush", fn_address(env, a.pmem2_get_flush_fn(map)));
	r.Set("drain", fn_address(env, a.pmem2_get_drain_fn(map)));
	r.Set("memmove", fn_address(env, a.pmem2_get_memmove_fn(map)));
	r.Set("memcpy", fn_address(env, a.pmem2_get_memcpy_fn(map)));
	r.Set("memset", fn_address(env, a.pmem2_get_memset_fn(map)));
	return r;
}

/*
 * span -- [addr, addr+len) anywhere in the process, after checking from
 * /proc/self/maps that it is mapped with `perms`: the pages allow a map's
 * functions over a range spanning adjacent mappings that share them, which
 * checked_range (one map) would refuse
 */
static char *
span(const Napi::CallbackInfo &info, uint64_t addr, uint64_t len,
	const char *perms)
{
	if (!range_accessible((uintptr_t)addr, (size_t)len, perms))
		throw Napi::RangeError::New(info.Env(),
			"range at " + std::to_string(addr) + " +" +
				std::to_string(len) + " is not mapped " +
				perms + "; faulting accesses run in a child");
	return reinterpret_cast<char *>(addr);
}

/* spanPersist(map, addr, len): the map's persist function over any mapped range */
static Napi::Value
SpanPersist(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_map *map = map_of(info);
	uint64_t addr = arg_u64(info, 1, "address"),
		 len = arg_u64(info, 2, "length");
	char *p = span(info, addr, len, "r");
	api(env).pmem2_get_persist_fn(map)(p, len);
	return env.Undefined();
}

/* spanFlush(map, addr, len): the map's flush function over any mapped range */
static Napi::Value
SpanFlush(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_map *map = map_of(info);
	uint64_t addr = arg_u64(info, 1, "address"),
		 len = arg_u64(info, 2, "length");
	char *p = span(info, addr, len, "r");
	api(env).pmem2_get_flush_fn(map)(p, len);
	return env.Undefined();
}

/* spanMemcpy(map, addr, data, flags) -> what the map's memcpy returned */
static Napi::Value
SpanMemcpy(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_map *map = map_of(info);
	uint64_t addr = arg_u64(info, 1, "address");
	Napi::Buffer<char> buf = arg_buffer(info, 2, "data");
	unsigned flags = arg_u32(info, 3, "flags");
	char *p = span(info, addr, buf.Length(), "rw");
	pmem2_memcpy_fn memcpy_fn = api(env).pmem2_get_memcpy_fn(map);
	void *r = memcpy_fn(p, buf.Data(), buf.Length(), flags);
	return u64_value(env, reinterpret_cast<uintptr_t>(r));
}

/* spanMemmove(map, dst, src, len, flags) -> what the map's memmove returned */
static Napi::Value
SpanMemmove(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_map *map = map_of(info);
	uint64_t dst = arg_u64(info, 1, "destination"),
		 src = arg_u64(info, 2, "source"),
		 len = arg_u64(info, 3, "length");
	unsigned flags = arg_u32(info, 4, "flags");
	char *d = span(info, dst, len, "rw");
	char *s = span(info, src, len, "r");
	void *r = api(env).pmem2_get_memmove_fn(map)(d, s, len, flags);
	return u64_value(env, reinterpret_cast<uintptr_t>(r));
}

/* spanMemset(map, addr, c, len, flags) -> what the map's memset returned */
static Napi::Value
SpanMemset(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_map *map = map_of(info);
	uint64_t addr = arg_u64(info, 1, "address");
	int c = arg_i32(info, 2, "value");
	uint64_t len = arg_u64(info, 3, "length");
	unsigned flags = arg_u32(info, 4, "flags");
	char *p = span(info, addr, len, "rw");
	void *r = api(env).pmem2_get_memset_fn(map)(p, c, len, flags);
	return u64_value(env, reinterpret_cast<uintptr_t>(r));
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
	exports.Set("mapFunctions", Napi::Function::New(env, MapFunctions));
	exports.Set("spanPersist", Napi::Function::New(env, SpanPersist));
	exports.Set("spanFlush", Napi::Function::New(env, SpanFlush));
	exports.Set("spanMemcpy", Napi::Function::New(env, SpanMemcpy));
	exports.Set("spanMemmove", Napi::Function::New(env, SpanMemmove));
	exports.Set("spanMemset", Napi::Function::New(env, SpanMemset));
}

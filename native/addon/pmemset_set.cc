/*
 * libpmemset configs, sets, map configs, part maps and the older part API.
 * Events are recorded by a C callback of ours into a log per config, which
 * JS reads after the call: the library calls back while inside its own
 * function, where calling into JS would be fragile.
 */
#include "pmemset_entry.h"

#include <vector>

const PmemsetApi &
set_api(Napi::Env env)
{
	const PmemsetApi *a = pmemset_api();
	if (a == nullptr)
		throw Napi::Error::New(env, "libpmemset is not loaded: call pmemsetLoad() first");
	return *a;
}

struct EventRecord {
	int type;
	uintptr_t addr;
	uintptr_t addr2;
	size_t len;
	unsigned flags;
	int value;
	uint64_t bb_offset;
	uint64_t bb_length;
};

struct EventLog {
	std::vector<EventRecord> events;
	int return_code = 0;
	bool clear_badblocks = false;
};

static int
record_event(struct pmemset *, struct pmemset_event_context *ctx, void *arg)
{
	EventLog *log = static_cast<EventLog *>(arg);
	EventRecord e = {};
	e.type = ctx->type;
	switch (ctx->type) {
	case PMEMSET_EVENT_COPY:
		e.addr = (uintptr_t)ctx->data.copy.dest;
		e.addr2 = (uintptr_t)ctx->data.copy.src;
		e.len = ctx->data.copy.len;
		e.flags = ctx->data.copy.flags;
		break;
	case PMEMSET_EVENT_MOVE:
		e.addr = (uintptr_t)ctx->data.move.dest;
		e.addr2 = (uintptr_t)ctx->data.move.src;
		e.len = ctx->data.move.len;
		e.flags = ctx->data.move.flags;
		break;
	case PMEMSET_EVENT_SET:
		e.addr = (uintptr_t)ctx->data.set.dest;
		e.value = ctx->data.set.value;
		e.len = ctx->data.set.len;
		e.flags = ctx->data.set.flags;
		break;
	case PMEMSET_EVENT_FLUSH:
		e.addr = (uintptr_t)ctx->data.flush.addr;
		e.len = ctx->data.flush.len;
		break;
	case PMEMSET_EVENT_PERSIST:
		e.addr = (uintptr_t)ctx->data.persist.addr;
		e.len = ctx->data.persist.len;
		break;
	case PMEMSET_EVENT_REMOVE_RANGE:
		e.addr = (uintptr_t)ctx->data.remove_range.addr;
		e.len = ctx->data.remove_range.len;
		break;
	case PMEMSET_EVENT_PART_ADD:
		e.addr = (uintptr_t)ctx->data.part_add.addr;
		e.len = ctx->data.part_add.len;
		break;
	case PMEMSET_EVENT_PART_REMOVE:
		e.addr = (uintptr_t)ctx->data.part_remove.addr;
		e.len = ctx->data.part_remove.len;
		break;
	case PMEMSET_EVENT_BADBLOCK:
		if (ctx->data.badblock.bb) {
			e.bb_offset = ctx->data.badblock.bb->offset;
			e.bb_length = ctx->data.badblock.bb->length;
			if (log->clear_badblocks && pmemset_api() &&
					pmemset_api()->pmemset_badblock_clear(
					ctx->data.badblock.bb,
					ctx->data.badblock.src) != 0)
				e.value = -1;
		}
		break;
	default:
		break;
	}
	log->events.push_back(e);
	return log->return_code;
}

static const char *EVENT_NAMES[] = {
	"COPY", "MOVE", "SET", "FLUSH", "DRAIN", "PERSIST", "REMOVE_RANGE",
	"PART_ADD", "PART_REMOVE", "SDS_UPDATE", "BADBLOCK", "BADBLOCKS_CLEARED"
};

/* logs by config handle id; kept for the process (the set holds the pointer) */
static std::vector<EventLog *> logs_by_config;

static Napi::Value
ConfigNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_config *cfg = nullptr;
	int ret = set_api(env).pmemset_config_new(&cfg);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("config", handle_new(env, HK_SET_CONFIG, cfg));
	return r;
}

static Napi::Value
ConfigDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET_CONFIG);
	pmemset_config *cfg = static_cast<pmemset_config *>(rec->ptr);
	int ret = set_api(env).pmemset_config_delete(&cfg);
	Napi::Object r = set_result_object(env, ret);
	r.Set("pointerCleared", Napi::Boolean::New(env, cfg == nullptr));
	if (ret == 0)
		handle_kill(rec);
	return r;
}

static Napi::Value
ConfigSetReservation(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_config *cfg = set_ptr<pmemset_config>(info[0], HK_SET_CONFIG);
	HandleRecord *rsv = handle_get_optional(info[1], HK_RESERVATION);
	set_api(env).pmemset_config_set_reservation(cfg,
		rsv ? static_cast<pmem2_vm_reservation *>(rsv->ptr) : nullptr);
	return env.Undefined();
}

static Napi::Value
ConfigSetAcceptableStates(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_config *cfg = set_ptr<pmemset_config>(info[0], HK_SET_CONFIG);
	uint64_t states = arg_u64(info, 1, "states");
	return set_result_object(env,
		set_api(env).pmemset_config_set_acceptable_states(cfg, states));
}

/* configSetEventCallback(cfg, {returnCode, clearBadblocks}) -> log id */
static Napi::Value
ConfigSetEventCallback(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_config *cfg = set_ptr<pmemset_config>(info[0], HK_SET_CONFIG);
	EventLog *log = new EventLog();
	if (info[1].IsObject()) {
		Napi::Object o = info[1].As<Napi::Object>();
		if (o.Has("returnCode"))
			log->return_code = o.Get("returnCode").As<Napi::Number>().Int32Value();
		if (o.Has("clearBadblocks"))
			log->clear_badblocks = o.Get("clearBadblocks").As<Napi::Boolean>().Value();
	}
	logs_by_config.push_back(log);
	set_api(env).pmemset_config_set_event_callback(cfg, record_event, log);
	return Napi::Number::New(env, (double)(logs_by_config.size() - 1));
}

/* eventsTake(logId) -> the events recorded since the last take */
static Napi::Value
EventsTake(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint32_t id = info[0].As<Napi::Number>().Uint32Value();
	if (id >= logs_by_config.size())
		throw Napi::RangeError::New(env, "no such event log");
	EventLog *log = logs_by_config[id];
	Napi::Array out = Napi::Array::New(env, log->events.size());
	for (size_t i = 0; i < log->events.size(); i++) {
		const EventRecord &e = log->events[i];
		Napi::Object o = Napi::Object::New(env);
		bool known = e.type >= 0 && e.type < (int)(sizeof(EVENT_NAMES) / sizeof(EVENT_NAMES[0]));
		o.Set("type", Napi::String::New(env, known ? EVENT_NAMES[e.type] : std::to_string(e.type)));
		o.Set("addr", u64_value(env, e.addr));
		o.Set("src", u64_value(env, e.addr2));
		o.Set("len", u64_value(env, e.len));
		o.Set("flags", Napi::Number::New(env, e.flags));
		o.Set("value", Napi::Number::New(env, e.value));
		if (e.type == PMEMSET_EVENT_BADBLOCK) {
			o.Set("badblockOffset", u64_value(env, e.bb_offset));
			o.Set("badblockLength", u64_value(env, e.bb_length));
		}
		out.Set((uint32_t)i, o);
	}
	log->events.clear();
	return out;
}

static Napi::Value
ConfigSetGranularity(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_config *cfg = set_ptr<pmemset_config>(info[0], HK_SET_CONFIG);
	int g = info[1].As<Napi::Number>().Int32Value();
	return set_result_object(env, set_api(env).pmemset_config_set_required_store_granularity(
		cfg, static_cast<pmem2_granularity>(g)));
}

static Napi::Value
SetNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *cfg = handle_get_optional(info[0], HK_SET_CONFIG);
	pmemset *set = nullptr;
	int ret = set_api(env).pmemset_new(&set,
		cfg ? static_cast<pmemset_config *>(cfg->ptr) : nullptr);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("set", handle_new(env, HK_SET, set));
	return r;
}

static Napi::Value
SetDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET);
	pmemset *set = static_cast<pmemset *>(rec->ptr);
	int ret = set_api(env).pmemset_delete(&set);
	Napi::Object r = set_result_object(env, ret);
	r.Set("pointerCleared", Napi::Boolean::New(env, set == nullptr));
	if (ret == 0)
		handle_kill(rec);
	return r;
}

static Napi::Value
GetStoreGranularity(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	pmem2_granularity g = PMEM2_GRANULARITY_PAGE;
	int ret = set_api(env).pmemset_get_store_granularity(set, &g);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("value", Napi::Number::New(env, g));
	return r;
}

static Napi::Value
SetCoalescing(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	int v = info[1].As<Napi::Number>().Int32Value();
	return set_result_object(env, set_api(env).pmemset_set_contiguous_part_coalescing(
		set, static_cast<pmemset_coalescing>(v)));
}

static Napi::Value
MapConfigNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_map_config *mc = nullptr;
	int ret = set_api(env).pmemset_map_config_new(&mc);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("mapConfig", handle_new(env, HK_SET_MAP_CONFIG, mc));
	return r;
}

static Napi::Value
MapConfigDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET_MAP_CONFIG);
	pmemset_map_config *mc = static_cast<pmemset_map_config *>(rec->ptr);
	int ret = set_api(env).pmemset_map_config_delete(&mc);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		handle_kill(rec);
	return r;
}

static Napi::Value
MapConfigSetOffset(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_map_config *mc = set_ptr<pmemset_map_config>(info[0], HK_SET_MAP_CONFIG);
	uint64_t off = arg_u64(info, 1, "offset");
	return set_result_object(env, set_api(env).pmemset_map_config_set_offset(mc, off));
}

static Napi::Value
MapConfigSetLength(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_map_config *mc = set_ptr<pmemset_map_config>(info[0], HK_SET_MAP_CONFIG);
	uint64_t len = arg_u64(info, 1, "length");
	set_api(env).pmemset_map_config_set_length(mc, len);
	return env.Undefined();
}

Napi::Object
descriptor_value(Napi::Env env, const pmemset_part_descriptor &d)
{
	Napi::Object o = Napi::Object::New(env);
	o.Set("addr", u64_value(env, (uintptr_t)d.addr));
	o.Set("size", u64_value(env, d.size));
	return o;
}

/* a descriptor the library has not touched keeps these values */
static const pmemset_part_descriptor DESC_SENTINEL = {
	reinterpret_cast<void *>(0x5e5e5e5e5e5e7000ULL), 0x5e5e5e5eULL
};

static bool
desc_filled(const pmemset_part_descriptor &d)
{
	return d.addr != DESC_SENTINEL.addr || d.size != DESC_SENTINEL.size;
}

/* map(set, src, mapConfig|null, wantDescriptor) */
static Napi::Value
Map(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *set = handle_get_optional(info[0], HK_SET);
	HandleRecord *src = handle_get_optional(info[1], HK_SET_SOURCE);
	HandleRecord *mc = handle_get_optional(info[2], HK_SET_MAP_CONFIG);
	bool want_desc = info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
	pmemset_part_descriptor desc = DESC_SENTINEL;
	int ret = set_api(env).pmemset_map(
		set ? static_cast<pmemset *>(set->ptr) : nullptr,
		src ? static_cast<pmemset_source *>(src->ptr) : nullptr,
		mc ? static_cast<pmemset_map_config *>(mc->ptr) : nullptr,
		want_desc ? &desc : nullptr);
	Napi::Object r = set_result_object(env, ret);
	if (want_desc) {
		r.Set("descriptorFilled", Napi::Boolean::New(env, desc_filled(desc)));
		if (desc_filled(desc))
			r.Set("descriptor", descriptor_value(env, desc));
	}
	return r;
}

static Napi::Value
DescriptorPartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	struct pmemset_part_map *pm = set_ptr<struct pmemset_part_map>(info[0], HK_SET_PART_MAP);
	return descriptor_value(env, set_api(env).pmemset_descriptor_part_map(pm));
}

static Napi::Value
part_map_result(Napi::Env env, int code, struct pmemset_part_map *pm)
{
	Napi::Object r = set_result_object(env, code);
	if (code == 0 && pm != nullptr)
		r.Set("partMap", handle_new(env, HK_SET_PART_MAP, pm));
	return r;
}

static Napi::Value
FirstPartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	struct pmemset_part_map *pm = nullptr;
	set_api(env).pmemset_first_part_map(set, &pm);
	return part_map_result(env, 0, pm);
}

static Napi::Value
NextPartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	struct pmemset_part_map *cur = set_ptr<struct pmemset_part_map>(info[1], HK_SET_PART_MAP);
	struct pmemset_part_map *next = nullptr;
	set_api(env).pmemset_next_part_map(set, cur, &next);
	return part_map_result(env, 0, next);
}

static Napi::Value
PartMapByAddress(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t addr = arg_u64(info, 1, "address");
	struct pmemset_part_map *pm = nullptr;
	int ret = set_api(env).pmemset_part_map_by_address(set, &pm,
		reinterpret_cast<void *>(addr));
	return part_map_result(env, ret, pm);
}

static Napi::Value
PartMapDrop(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET_PART_MAP);
	struct pmemset_part_map *pm = static_cast<struct pmemset_part_map *>(rec->ptr);
	set_api(env).pmemset_part_map_drop(&pm);
	Napi::Object r = Napi::Object::New(env);
	r.Set("pointerCleared", Napi::Boolean::New(env, pm == nullptr));
	handle_kill(rec);
	return r;
}

static Napi::Value
RemovePartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	HandleRecord *rec = handle_get(info[1], HK_SET_PART_MAP);
	struct pmemset_part_map *pm = static_cast<struct pmemset_part_map *>(rec->ptr);
	int ret = set_api(env).pmemset_remove_part_map(set, &pm);
	Napi::Object r = set_result_object(env, ret);
	r.Set("pointerCleared", Napi::Boolean::New(env, pm == nullptr));
	if (ret == 0)
		handle_kill(rec);
	return r;
}

static Napi::Value
RemoveRange(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset *set = set_ptr<pmemset>(info[0], HK_SET);
	uint64_t addr = arg_u64(info, 1, "address");
	uint64_t len = arg_u64(info, 2, "length");
	return set_result_object(env, set_api(env).pmemset_remove_range(set,
		reinterpret_cast<void *>(addr), len));
}

static Napi::Value
PartNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *set = handle_get_optional(info[0], HK_SET);
	HandleRecord *src = handle_get_optional(info[1], HK_SET_SOURCE);
	uint64_t off = arg_u64(info, 2, "offset");
	uint64_t len = arg_u64(info, 3, "length");
	pmemset_part *part = nullptr;
	int ret = set_api(env).pmemset_part_new(&part,
		set ? static_cast<pmemset *>(set->ptr) : nullptr,
		src ? static_cast<pmemset_source *>(src->ptr) : nullptr, off, len);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		r.Set("part", handle_new(env, HK_SET_PART, part));
	return r;
}

static Napi::Value
PartDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET_PART);
	pmemset_part *part = static_cast<pmemset_part *>(rec->ptr);
	int ret = set_api(env).pmemset_part_delete(&part);
	Napi::Object r = set_result_object(env, ret);
	if (ret == 0)
		handle_kill(rec);
	return r;
}

/* partMap(part, wantDescriptor): the part is consumed on success */
static Napi::Value
PartMap(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_SET_PART);
	bool want_desc = info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
	pmemset_part *part = static_cast<pmemset_part *>(rec->ptr);
	pmemset_part *before = part;
	pmemset_part_descriptor desc = DESC_SENTINEL;
	int ret = set_api(env).pmemset_part_map(&part, nullptr,
		want_desc ? &desc : nullptr);
	Napi::Object r = set_result_object(env, ret);
	r.Set("partPtr", Napi::String::New(env, part == nullptr ? "null" :
		part == before ? "unchanged" : "set"));
	if (want_desc) {
		r.Set("descriptorFilled", Napi::Boolean::New(env, desc_filled(desc)));
		if (desc_filled(desc))
			r.Set("descriptor", descriptor_value(env, desc));
	}
	if (part == nullptr)
		handle_kill(rec);
	return r;
}

void
pmemset_set_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setConfigNew", Napi::Function::New(env, ConfigNew));
	exports.Set("setConfigDelete", Napi::Function::New(env, ConfigDelete));
	exports.Set("setConfigSetReservation", Napi::Function::New(env, ConfigSetReservation));
	exports.Set("setConfigSetAcceptableStates", Napi::Function::New(env, ConfigSetAcceptableStates));
	exports.Set("setConfigSetEventCallback", Napi::Function::New(env, ConfigSetEventCallback));
	exports.Set("setEventsTake", Napi::Function::New(env, EventsTake));
	exports.Set("setConfigSetRequiredStoreGranularity", Napi::Function::New(env, ConfigSetGranularity));
	exports.Set("setNew", Napi::Function::New(env, SetNew));
	exports.Set("setDelete", Napi::Function::New(env, SetDelete));
	exports.Set("setGetStoreGranularity", Napi::Function::New(env, GetStoreGranularity));
	exports.Set("setSetContiguousPartCoalescing", Napi::Function::New(env, SetCoalescing));
	exports.Set("setMapConfigNew", Napi::Function::New(env, MapConfigNew));
	exports.Set("setMapConfigDelete", Napi::Function::New(env, MapConfigDelete));
	exports.Set("setMapConfigSetOffset", Napi::Function::New(env, MapConfigSetOffset));
	exports.Set("setMapConfigSetLength", Napi::Function::New(env, MapConfigSetLength));
	exports.Set("setMap", Napi::Function::New(env, Map));
	exports.Set("setDescriptorPartMap", Napi::Function::New(env, DescriptorPartMap));
	exports.Set("setFirstPartMap", Napi::Function::New(env, FirstPartMap));
	exports.Set("setNextPartMap", Napi::Function::New(env, NextPartMap));
	exports.Set("setPartMapByAddress", Napi::Function::New(env, PartMapByAddress));
	exports.Set("setPartMapDrop", Napi::Function::New(env, PartMapDrop));
	exports.Set("setRemovePartMap", Napi::Function::New(env, RemovePartMap));
	exports.Set("setRemoveRange", Napi::Function::New(env, RemoveRange));
	exports.Set("setPartNew", Napi::Function::New(env, PartNew));
	exports.Set("setPartDelete", Napi::Function::New(env, PartDelete));
	exports.Set("setPartMap", Napi::Function::New(env, PartMap));
}

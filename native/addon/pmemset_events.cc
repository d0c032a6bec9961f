/*
 * Events of a set. They are recorded by a C callback of ours into a log per
 * config, which JS reads after the call: the library calls back while
 * inside its own function, where calling into JS would be fragile.
 */
#include "pmemset_entry.h"

#include <vector>

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

void (*pmemset_badblock_cleared_hook)(uint64_t, uint64_t) = nullptr;

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
			else if (log->clear_badblocks &&
				pmemset_badblock_cleared_hook)
				pmemset_badblock_cleared_hook(e.bb_offset,
					e.bb_length);
		}
		break;
	default:
		break;
	}
	log->events.push_back(e);
	return log->return_code;
}

static const char *EVENT_NAMES[] = {"COPY", "MOVE", "SET", "FLUSH", "DRAIN",
	"PERSIST", "REMOVE_RANGE", "PART_ADD", "PART_REMOVE", "SDS_UPDATE",
	"BADBLOCK", "BADBLOCKS_CLEARED"};

std::string
pmemset_event_name(int type)
{
	bool known = type >= 0 &&
		type < (int)(sizeof(EVENT_NAMES) / sizeof(EVENT_NAMES[0]));
	return known ? EVENT_NAMES[type] : std::to_string(type);
}

/* logs by config handle id; kept for the process (the set holds the pointer) */
static std::vector<EventLog *> logs_by_config;

/* configSetEventCallback(cfg, {returnCode, clearBadblocks}) -> log id */
static Napi::Value
ConfigSetEventCallback(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_config *cfg = set_ptr<pmemset_config>(info[0], HK_SET_CONFIG);
	int32_t return_code = 0;
	bool clear_badblocks = false;
	if (arg_present(info, 1)) {
		Napi::Object o = arg_object(info, 1, "options");
		prop_i32(o, "returnCode", return_code);
		prop_bool(o, "clearBadblocks", clear_badblocks);
	}
	EventLog *log = new EventLog();
	log->return_code = return_code;
	log->clear_badblocks = clear_badblocks;
	logs_by_config.push_back(log);
	set_api(env).pmemset_config_set_event_callback(cfg, record_event, log);
	return Napi::Number::New(env, (double)(logs_by_config.size() - 1));
}

int
pmemset_events_copy(uint64_t id, ChildEvent *out, int max)
{
	if (id >= logs_by_config.size())
		return -1;
	const EventLog *log = logs_by_config[id];
	int n = 0;
	for (const EventRecord &e : log->events) {
		if (n == max)
			break;
		out[n++] = {e.type, e.value, e.bb_offset, e.bb_length};
	}
	return n;
}

/* eventsTake(logId) -> the events recorded since the last take */
static Napi::Value
EventsTake(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t id = arg_u64(info, 0, "log id");
	if (id >= logs_by_config.size())
		throw Napi::RangeError::New(env, "no such event log");
	EventLog *log = logs_by_config[id];
	Napi::Array out = Napi::Array::New(env, log->events.size());
	for (size_t i = 0; i < log->events.size(); i++) {
		const EventRecord &e = log->events[i];
		Napi::Object o = Napi::Object::New(env);
		bool known = e.type >= 0 &&
			e.type < (int)(sizeof(EVENT_NAMES) /
					 sizeof(EVENT_NAMES[0]));
		o.Set("type",
			Napi::String::New(env,
				known ? EVENT_NAMES[e.type] :
					std::to_string(e.type)));
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

void
pmemset_events_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setConfigSetEventCallback",
		Napi::Function::New(env, ConfigSetEventCallback));
	exports.Set("setEventsTake", Napi::Function::New(env, EventsTake));
}

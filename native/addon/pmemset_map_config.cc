/* pmemset_map_config_*: the offset and length of the next part */
#include "pmemset_entry.h"

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
	pmemset_map_config *mc =
		set_ptr<pmemset_map_config>(info[0], HK_SET_MAP_CONFIG);
	uint64_t off = arg_u64(info, 1, "offset");
	return set_result_object(env,
		set_api(env).pmemset_map_config_set_offset(mc, off));
}

static Napi::Value
MapConfigSetLength(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_map_config *mc =
		set_ptr<pmemset_map_config>(info[0], HK_SET_MAP_CONFIG);
	uint64_t len = arg_u64(info, 1, "length");
	set_api(env).pmemset_map_config_set_length(mc, len);
	return env.Undefined();
}

void
pmemset_map_config_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setMapConfigNew", Napi::Function::New(env, MapConfigNew));
	exports.Set("setMapConfigDelete",
		Napi::Function::New(env, MapConfigDelete));
	exports.Set("setMapConfigSetOffset",
		Napi::Function::New(env, MapConfigSetOffset));
	exports.Set("setMapConfigSetLength",
		Napi::Function::New(env, MapConfigSetLength));
}

/* pmemset_config_* entry points: the configuration a set is made from */
#include "pmemset_entry.h"

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

static Napi::Value
ConfigSetGranularity(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmemset_config *cfg = set_ptr<pmemset_config>(info[0], HK_SET_CONFIG);
	int g = arg_i32(info, 1, "granularity");
	return set_result_object(env,
		set_api(env).pmemset_config_set_required_store_granularity(cfg,
			static_cast<pmem2_granularity>(g)));
}

void
pmemset_config_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("setConfigNew", Napi::Function::New(env, ConfigNew));
	exports.Set("setConfigDelete", Napi::Function::New(env, ConfigDelete));
	exports.Set("setConfigSetReservation",
		Napi::Function::New(env, ConfigSetReservation));
	exports.Set("setConfigSetAcceptableStates",
		Napi::Function::New(env, ConfigSetAcceptableStates));
	exports.Set("setConfigSetRequiredStoreGranularity",
		Napi::Function::New(env, ConfigSetGranularity));
}

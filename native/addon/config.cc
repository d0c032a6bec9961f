/* pmem2_config_* entry points */
#include "entry.h"

/* libpmem2's default protection is read + write */
static const unsigned DEFAULT_PROT = PMEM2_PROT_READ | PMEM2_PROT_WRITE;

unsigned
config_prot(const HandleRecord *cfg)
{
	return cfg->prot;
}

static pmem2_config *
cfg_of(const Napi::CallbackInfo &info, HandleRecord **rec_out = nullptr)
{
	HandleRecord *rec = handle_get(info[0], HK_CONFIG);
	if (rec_out)
		*rec_out = rec;
	return static_cast<pmem2_config *>(rec->ptr);
}

/* configNew() -> code; fast_out[0] the new handle's id (hot path) */
static Napi::Value
ConfigNew(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int32_t *out = fast_outputs(env);
	pmem2_config *cfg = nullptr;
	int ret = api(env).pmem2_config_new(&cfg);
	out[0] = ret == 0 ?
		(int32_t)handle_register(HK_CONFIG, cfg, DEFAULT_PROT) :
		0;
	return Napi::Number::New(env, ret);
}

/* configDelete(id) -> code; fast_out[0] whether the pointer was cleared */
static Napi::Value
ConfigDelete(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int32_t *out = fast_outputs(env);
	HandleRecord *rec = nullptr;
	pmem2_config *cfg = cfg_of(info, &rec);
	int ret = api(env).pmem2_config_delete(&cfg);
	out[0] = cfg == nullptr;
	if (ret == 0)
		handle_kill(rec);
	return Napi::Number::New(env, ret);
}

/* configSetRequiredStoreGranularity(id, g) -> code (hot path) */
static Napi::Value
SetGranularity(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int g = arg_i32(info, 1, "granularity");
	int ret = api(env).pmem2_config_set_required_store_granularity(
		cfg_of(info), static_cast<pmem2_granularity>(g));
	return Napi::Number::New(env, ret);
}

static Napi::Value
SetOffset(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t off = arg_u64(info, 1, "offset");
	return result_object(env,
		api(env).pmem2_config_set_offset(cfg_of(info), off));
}

static Napi::Value
SetLength(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	uint64_t len = arg_u64(info, 1, "length");
	return result_object(env,
		api(env).pmem2_config_set_length(cfg_of(info), len));
}

static Napi::Value
SetSharing(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int s = arg_i32(info, 1, "sharing");
	return result_object(env,
		api(env).pmem2_config_set_sharing(cfg_of(info),
			static_cast<pmem2_sharing_type>(s)));
}

static Napi::Value
SetProtection(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = nullptr;
	pmem2_config *cfg = cfg_of(info, &rec);
	unsigned prot = arg_u32(info, 1, "protection");
	int ret = api(env).pmem2_config_set_protection(cfg, prot);
	if (ret == 0)
		rec->prot = prot;
	return result_object(env, ret);
}

static Napi::Value
SetVmReservation(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	pmem2_config *cfg = cfg_of(info);
	HandleRecord *rsv = handle_get_optional(info[1], HK_RESERVATION);
	uint64_t off = arg_u64(info, 2, "offset");
	return result_object(env,
		api(env).pmem2_config_set_vm_reservation(cfg,
			rsv ? static_cast<pmem2_vm_reservation *>(rsv->ptr) :
			      nullptr,
			off));
}

void
config_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("configNew", Napi::Function::New(env, ConfigNew));
	exports.Set("configDelete", Napi::Function::New(env, ConfigDelete));
	exports.Set("configSetRequiredStoreGranularity",
		Napi::Function::New(env, SetGranularity));
	exports.Set("configSetOffset", Napi::Function::New(env, SetOffset));
	exports.Set("configSetLength", Napi::Function::New(env, SetLength));
	exports.Set("configSetSharing", Napi::Function::New(env, SetSharing));
	exports.Set("configSetProtection",
		Napi::Function::New(env, SetProtection));
	exports.Set("configSetVmReservation",
		Napi::Function::New(env, SetVmReservation));
}

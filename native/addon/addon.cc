/* Module entry: load() picks the libpmem2 build; the rest bind its API. */
#include "entry.h"
#include "missing.h"
#include "pmemset_entry.h"

const Pmem2Api &
api(Napi::Env env)
{
	const Pmem2Api *a = pmem2_api();
	if (a == nullptr)
		throw Napi::Error::New(env,
			"libpmem2 is not loaded: call load() first");
	return *a;
}

/* load(path) -> the path that was loaded; throws with dlopen's reason */
static Napi::Value
Load(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string path = arg_present(info, 0) ? arg_string(info, 0, "path") :
						  "libpmem2.so.1";
	std::string err;
	if (!pmem2_api_load(path, err))
		throw Napi::Error::New(env, err);
	return Napi::String::New(env, pmem2_api()->path);
}

static Napi::Value
Errormsg(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	const char *m = api(env).pmem2_errormsg();
	return Napi::String::New(env, m ? m : "");
}

static Napi::Value
ErrToErrno(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	int code = arg_i32(info, 0, "code");
	if (api(env).pmem2_err_to_errno == nullptr)
		throw Napi::Error::New(env,
			"the loaded libpmem2 does not export "
			"pmem2_err_to_errno although its header declares it");
	return Napi::Number::New(env, api(env).pmem2_err_to_errno(code));
}

/* missing() -> the bound libpmem2 functions the loaded build does not export */
static Napi::Value
Missing(const Napi::CallbackInfo &info)
{
	return missing_names(info.Env(), api(info.Env()).missing);
}

static Napi::Object
Init(Napi::Env env, Napi::Object exports)
{
	missing_bind_env(env);
	exports.Set("missing", Napi::Function::New(env, Missing));
	exports.Set("load", Napi::Function::New(env, Load));
	exports.Set("errormsg", Napi::Function::New(env, Errormsg));
	exports.Set("errToErrno", Napi::Function::New(env, ErrToErrno));
	handles_init(env, exports);
	source_init(env, exports);
	config_init(env, exports);
	map_init(env, exports);
	reservation_init(env, exports);
	sys_init(env, exports);
	child_init(env, exports);
	fault_init(env, exports);
	errormsg_init(env, exports);
	more_init(env, exports);
	inject_init(env, exports);
	pmemset_config_init(env, exports);
	pmemset_events_init(env, exports);
	pmemset_set_init(env, exports);
	pmemset_source_init(env, exports);
	pmemset_map_config_init(env, exports);
	pmemset_map_init(env, exports);
	pmemset_part_map_init(env, exports);
	pmemset_part_init(env, exports);
	pmemset_data_init(env, exports);
	return exports;
}

NODE_API_MODULE(pmem_conform, Init)

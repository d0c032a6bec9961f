#include "pmemset_api.h"
#include "pmemset_entry.h"

#include <dlfcn.h>

static PmemsetApi *loaded = nullptr;

const PmemsetApi *
pmemset_api()
{
	return loaded;
}

const PmemsetApi &
set_api(Napi::Env env)
{
	const PmemsetApi *a = pmemset_api();
	if (a == nullptr)
		throw Napi::Error::New(env,
			"libpmemset is not loaded: call pmemsetLoad() first");
	return *a;
}

bool
pmemset_api_load(const std::string &path, std::string &err)
{
	if (loaded != nullptr) {
		if (loaded->path == path)
			return true;
		err = "libpmemset is already loaded from '" + loaded->path +
			"' in this process; run another build in its own process";
		return false;
	}
	void *dl = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
	if (dl == nullptr) {
		const char *why = dlerror();
		err = std::string("cannot load libpmemset from '") + path +
			"': " + (why ? why : "unknown dlopen error");
		return false;
	}
	PmemsetApi *api = new PmemsetApi();
	api->dl = dl;
	api->path = path;
#define PMEMSET_API_RESOLVE(ret, name, params) \
	api->name = reinterpret_cast<ret(*) params>(dlsym(dl, #name)); \
	if (api->name == nullptr) { \
		err = std::string("'") + path + \
			"' does not export " #name " (is it libpmemset?)"; \
		(void)dlclose(dl); /* the missing symbol is the error */ \
		delete api; \
		return false; \
	}
	PMEMSET_API_FUNCS(PMEMSET_API_RESOLVE)
#undef PMEMSET_API_RESOLVE
	loaded = api;
	return true;
}

Napi::Object
set_result_object(Napi::Env env, int code)
{
	Napi::Object r = Napi::Object::New(env);
	r.Set("code", Napi::Number::New(env, code));
	if (code != 0 && loaded != nullptr) {
		const char *msg = loaded->pmemset_errormsg();
		r.Set("message", Napi::String::New(env, msg ? msg : ""));
	}
	return r;
}

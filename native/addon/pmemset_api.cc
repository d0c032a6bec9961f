#include "pmemset_api.h"
#include "pmemset_entry.h"

#include "missing.h"

#include <dlfcn.h>

#define PMEMSET_API_STANDIN(ret, name, params) \
	MISSING_STANDIN("libpmemset", ret, name, params)
PMEMSET_API_FUNCS(PMEMSET_API_STANDIN)
#undef PMEMSET_API_STANDIN

#define PMEMSET_API_ONE(ret, name, params) +1
static const size_t PMEMSET_API_COUNT = 0 PMEMSET_API_FUNCS(PMEMSET_API_ONE);
#undef PMEMSET_API_ONE

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
		api->name = missing_##name; \
		api->missing.push_back(#name); \
	}
	PMEMSET_API_FUNCS(PMEMSET_API_RESOLVE)
#undef PMEMSET_API_RESOLVE
	/* a partial build loads; one that lacks every function is not libpmemset */
	if (api->missing.size() == PMEMSET_API_COUNT) {
		err = std::string("'") + path +
			"' exports none of the libpmemset functions (is it libpmemset?)";
		(void)dlclose(dl);
		delete api;
		return false;
	}
	loaded = api;
	return true;
}

Napi::Object
set_result_object(Napi::Env env, int code)
{
	Napi::Object r = Napi::Object::New(env);
	r.Set("code", Napi::Number::New(env, code));
	/* a build without pmemset_errormsg still answers with its codes */
	if (code != 0 && loaded != nullptr &&
		loaded->pmemset_errormsg != missing_pmemset_errormsg) {
		const char *msg = loaded->pmemset_errormsg();
		r.Set("message", Napi::String::New(env, msg ? msg : ""));
	}
	return r;
}

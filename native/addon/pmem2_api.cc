#include "pmem2_api.h"

#include "missing.h"

#include <dlfcn.h>

#define PMEM2_API_STANDIN(ret, name, params) \
	MISSING_STANDIN("libpmem2", ret, name, params)
PMEM2_API_FUNCS(PMEM2_API_STANDIN)
#undef PMEM2_API_STANDIN

#define PMEM2_API_ONE(ret, name, params) +1
static const size_t PMEM2_API_COUNT = 0 PMEM2_API_FUNCS(PMEM2_API_ONE);
#undef PMEM2_API_ONE

static Pmem2Api *loaded = nullptr;

const Pmem2Api *
pmem2_api()
{
	return loaded;
}

bool
pmem2_api_load(const std::string &path, std::string &err)
{
	/*
	 * RTLD_LOCAL keeps a user-supplied build from interposing on the system
	 * libpmem2 that our libpmemset links against, and vice versa.
	 */
	if (loaded != nullptr) {
		if (loaded->path == path)
			return true;
		/* handles made through one build must never reach another */
		err = "libpmem2 is already loaded from '" + loaded->path +
			"' in this process; run another build in its own process";
		return false;
	}

	void *dl = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
	if (dl == nullptr) {
		const char *why = dlerror();
		err = std::string("cannot load libpmem2 from '") + path +
			"': " + (why ? why : "unknown dlopen error");
		return false;
	}

	Pmem2Api *api = new Pmem2Api();
	api->dl = dl;
	api->path = path;

#define PMEM2_API_RESOLVE(ret, name, params) \
	api->name = reinterpret_cast<ret(*) params>(dlsym(dl, #name)); \
	if (api->name == nullptr) { \
		api->name = missing_##name; \
		api->missing.push_back(#name); \
	}
	PMEM2_API_FUNCS(PMEM2_API_RESOLVE)
#undef PMEM2_API_RESOLVE
	/* a partial build loads; one that lacks every function is not libpmem2 */
	if (api->missing.size() == PMEM2_API_COUNT) {
		err = std::string("'") + path +
			"' exports none of the libpmem2 functions (is it libpmem2?)";
		(void)dlclose(dl);
		delete api;
		return false;
	}

	api->pmem2_err_to_errno =
		reinterpret_cast<int (*)(int)>(dlsym(dl, "pmem2_err_to_errno"));
	loaded = api;
	return true;
}

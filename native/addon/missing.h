/*
 * Functions a build does not export. A partial build (an older libpmemset,
 * a libpmem2 without some entry point) still loads: each function it lacks
 * is bound to a stand-in that throws a JS error naming it, so only the cases
 * that call it fail, and they can tell why.
 */
#ifndef PMEM_CONFORM_MISSING_H
#define PMEM_CONFORM_MISSING_H

#include <napi.h>
#include <string>
#include <vector>

/* missing_bind_env -- the env the stand-ins throw into (the loader's) */
void missing_bind_env(Napi::Env env);

/* missing_call -- what a call through a stand-in does; never returns */
[[noreturn]] void missing_call(const char *lib, const char *name);

/* missing_require -- throws the stand-in's error now when `name` is missing */
void missing_require(const char *lib, const std::vector<std::string> &missing,
	const char *name);

/* missing_names -- a JS array of the names a build lacks */
Napi::Array missing_names(Napi::Env env, const std::vector<std::string> &v);

/* X-macro body: a stand-in of the same type as the function it replaces */
#define MISSING_STANDIN(lib, ret, name, params) \
	static ret missing_##name params \
	{ \
		missing_call(lib, #name); \
	}

#endif

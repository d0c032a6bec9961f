#include "missing.h"

#include <cstdio>
#include <unistd.h>

static napi_env bound_env = nullptr;
static pid_t bound_pid = 0;

void
missing_bind_env(Napi::Env env)
{
	bound_env = env;
	bound_pid = getpid();
}

void
missing_call(const char *lib, const char *name)
{
	/*
	 * A forked child (child.cc, fault.cc) must never unwind into the JS
	 * code it shares with its parent: it says why and ends.
	 */
	if (bound_env == nullptr || getpid() != bound_pid) {
		(void)fprintf(stderr, "%s: the build does not export %s\n", lib,
			name);
		_exit(127);
	}
	Napi::Env env(bound_env);
	Napi::Error e = Napi::Error::New(env,
		std::string("the loaded ") + lib + " does not export " + name);
	e.Set("missingFunction", Napi::String::New(env, name));
	e.Set("library", Napi::String::New(env, lib));
	throw e;
}

void
missing_require(const char *lib, const std::vector<std::string> &missing,
	const char *name)
{
	for (const std::string &m : missing)
		if (m == name)
			missing_call(lib, name);
}

Napi::Array
missing_names(Napi::Env env, const std::vector<std::string> &v)
{
	Napi::Array a = Napi::Array::New(env, v.size());
	for (size_t i = 0; i < v.size(); i++)
		a.Set(static_cast<uint32_t>(i), Napi::String::New(env, v[i]));
	return a;
}

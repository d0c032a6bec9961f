/*
 * What libpmem2 tells of its last error beyond pmem2_errormsg() on the
 * calling thread: what pmem2_perror writes to standard error, and what
 * pmem2_errormsg() says on another thread.
 */
#include "entry.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

/* errno_text -- "what: strerror(err)", for the exceptions below */
static std::string
errno_text(const char *what, int err)
{
	return std::string(what) + ": " + strerror(err);
}

/* read_all -- the whole content of fd from offset 0; 0 or an errno */
static int
read_all(int fd, std::string &out)
{
	if (lseek(fd, 0, SEEK_SET) != 0)
		return errno;
	char buf[4096];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return 0;
		out.append(buf, (size_t)n);
	}
}

/*
 * PerrorCapture -- perrorCapture(prefix, number) -> {output}: calls
 * pmem2_perror("%s %d", prefix, number) with file descriptor 2 pointed at
 * a memfd, restores fd 2, and returns the bytes written to it. stderr is
 * flushed on both sides so nothing buffered before or by the call is
 * lost or misplaced.
 */
static Napi::Value
PerrorCapture(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	std::string prefix = arg_string(info, 0, "prefix");
	int32_t number = arg_i32(info, 1, "number");
	const Pmem2Api &a = api(env);

	if (fflush(stderr) != 0)
		throw Napi::Error::New(env,
			errno_text("fflush(stderr)", errno));
	int mem = memfd_create("pmem-conform-perror", MFD_CLOEXEC);
	if (mem < 0)
		throw Napi::Error::New(env, errno_text("memfd_create", errno));
	int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (saved < 0) {
		int err = errno;
		(void)close(mem); /* the dup's error is the one to report */
		throw Napi::Error::New(env, errno_text("dup(2)", err));
	}
	if (dup2(mem, 2) < 0) {
		int err = errno;
		(void)close(saved); /* fd 2 was not moved: nothing to undo */
		(void)close(mem);
		throw Napi::Error::New(env, errno_text("dup2(memfd, 2)", err));
	}

	a.pmem2_perror("%s %d", prefix.c_str(), number);

	int flush_err = fflush(stderr) != 0 ? errno : 0;
	int restore_err = dup2(saved, 2) < 0 ? errno : 0;
	int close_err = close(saved) != 0 ? errno : 0;
	std::string out;
	int read_err = read_all(mem, out);
	int mem_close_err = close(mem) != 0 ? errno : 0;
	if (restore_err)
		throw Napi::Error::New(env,
			errno_text("dup2(saved, 2): stderr not restored",
				restore_err));
	if (flush_err)
		throw Napi::Error::New(env,
			errno_text("fflush(stderr) after pmem2_perror",
				flush_err));
	if (close_err)
		throw Napi::Error::New(env,
			errno_text("close(saved stderr)", close_err));
	if (read_err)
		throw Napi::Error::New(env,
			errno_text("read(memfd)", read_err));
	if (mem_close_err)
		throw Napi::Error::New(env,
			errno_text("close(memfd)", mem_close_err));

	Napi::Object r = Napi::Object::New(env);
	r.Set("output", Napi::String::New(env, out));
	return r;
}

/* what the other thread did and read; no N-API call is made on it */
struct ThreadErr {
	const Pmem2Api *api;
	bool fail;
	int32_t granularity;
	int setup; /* pmem2_config_new's or _delete's code, when not 0 */
	int code;
	std::string message;
};

/*
 * errormsg_thread -- on its own thread: optionally fails a call
 * (pmem2_config_set_required_store_granularity with a value the header
 * does not define), then reads pmem2_errormsg()
 */
static void *
errormsg_thread(void *arg)
{
	ThreadErr *t = static_cast<ThreadErr *>(arg);
	if (t->fail) {
		pmem2_config *cfg = nullptr;
		t->setup = t->api->pmem2_config_new(&cfg);
		if (t->setup != 0)
			return nullptr;
		t->code =
			t->api->pmem2_config_set_required_store_granularity(cfg,
				static_cast<pmem2_granularity>(t->granularity));
		const char *m = t->api->pmem2_errormsg();
		t->message = m ? m : "";
		t->setup = t->api->pmem2_config_delete(&cfg);
		return nullptr;
	}
	const char *m = t->api->pmem2_errormsg();
	t->message = m ? m : "";
	return nullptr;
}

/*
 * ErrormsgInThread -- errormsgInThread(granularity?) -> {code?, message}:
 * pmem2_errormsg() as a new thread sees it; with `granularity`, right after
 * that thread's pmem2_config_set_required_store_granularity(granularity)
 * (whose code is returned). The thread is joined before returning.
 */
static Napi::Value
ErrormsgInThread(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	ThreadErr t{&api(env), arg_present(info, 0),
		arg_present(info, 0) ? arg_i32(info, 0, "granularity") : 0, 0,
		0, std::string()};
	pthread_t th;
	int err = pthread_create(&th, nullptr, errormsg_thread, &t);
	if (err)
		throw Napi::Error::New(env, errno_text("pthread_create", err));
	err = pthread_join(th, nullptr);
	if (err)
		throw Napi::Error::New(env, errno_text("pthread_join", err));
	if (t.setup != 0)
		throw Napi::Error::New(env,
			"pmem2_config_new/delete failed on the other thread: " +
				std::to_string(t.setup));
	Napi::Object r = Napi::Object::New(env);
	if (t.fail)
		r.Set("code", Napi::Number::New(env, t.code));
	r.Set("message", Napi::String::New(env, t.message));
	return r;
}

void
errormsg_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("perrorCapture", Napi::Function::New(env, PerrorCapture));
	exports.Set("errormsgInThread",
		Napi::Function::New(env, ErrormsgInThread));
}

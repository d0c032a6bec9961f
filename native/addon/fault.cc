/*
 * Accesses that may fault run in a forked child, never in node's own
 * process: forkAccess(map, offset, length, kind) performs plain volatile
 * loads or stores over a range of a pmem2 map in a child and reports how
 * the child ended -- {exited: code} or {signal, signalName}.
 *
 * Unlike mapRead/mapWrite there is no range or protection check here:
 * faulting is the point. Only the handle and the arguments are validated,
 * and everything is resolved before fork, so the child touches no JS.
 */
#include "entry.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

enum AccessKind { AK_READ, AK_WRITE, AK_READ_PAST_END, AK_WRITE_PAST_END };

static bool
parse_kind(const std::string &s, AccessKind &k)
{
	if (s == "read")
		k = AK_READ;
	else if (s == "write")
		k = AK_WRITE;
	else if (s == "read-past-end")
		k = AK_READ_PAST_END;
	else if (s == "write-past-end")
		k = AK_WRITE_PAST_END;
	else
		return false;
	return true;
}

/*
 * The exit code of a child that could not restore the default action of
 * the fault signals: its accesses would prove nothing, so it makes none.
 */
static const int CHILD_SETUP_FAILED = 125;

/*
 * The child's part: async-signal-safe only (the parent has threads). The
 * default action is restored for the fault signals so that no handler
 * inherited from node (V8's wasm trap handler, for one) can swallow or
 * reinterpret the fault, and core dumps are turned off.
 */
[[noreturn]] static void
child_access(volatile char *start, uint64_t len, bool store, long page)
{
	/* a core file left behind is untidy, not wrong: go on without */
	struct rlimit no_core = {0, 0};
	(void)setrlimit(RLIMIT_CORE, &no_core);

	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
	sigset_t unblock;
	if (sigemptyset(&dfl.sa_mask) != 0 || sigemptyset(&unblock) != 0)
		_exit(CHILD_SETUP_FAILED);
	for (int s : sigs) {
		if (sigaction(s, &dfl, nullptr) != 0 ||
			sigaddset(&unblock, s) != 0)
			_exit(CHILD_SETUP_FAILED);
	}
	if (sigprocmask(SIG_UNBLOCK, &unblock, nullptr) != 0)
		_exit(CHILD_SETUP_FAILED);

	/* one access per page, plus the last byte of the range */
	uint64_t step = page > 0 ? (uint64_t)page : 4096;
	volatile char sink = 0;
	for (uint64_t off = 0; off < len; off += step) {
		if (store)
			start[off] = (char)0x5a;
		else
			sink = start[off];
	}
	if (len > 0) {
		if (store)
			start[len - 1] = (char)0x5a;
		else
			sink = start[len - 1];
	}
	(void)sink;
	_exit(0);
}

static std::string
signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGILL:
		return "SIGILL";
	case SIGFPE:
		return "SIGFPE";
	case SIGABRT:
		return "SIGABRT";
	case SIGKILL:
		return "SIGKILL";
	case SIGTERM:
		return "SIGTERM";
	case SIGTRAP:
		return "SIGTRAP";
	case SIGSYS:
		return "SIGSYS";
	default:
		break;
	}
	const char *abbrev = sigabbrev_np(sig);
	return abbrev ? std::string("SIG") + abbrev :
			"SIG" + std::to_string(sig);
}

/*
 * forkAccess(map, offset, length, kind). 'read' / 'write' touch
 * [address + offset, +length); 'read-past-end' / 'write-past-end' touch
 * [address + size + offset, +max(length, 1)), i.e. at least the byte at
 * map size + offset. {exited: 125} means the child could not restore the
 * default action of the fault signals and touched nothing.
 */
static Napi::Value
ForkAccess(const Napi::CallbackInfo &info)
{
	Napi::Env env = info.Env();
	HandleRecord *rec = handle_get(info[0], HK_MAP);
	uint64_t off = arg_u64(info, 1, "offset");
	uint64_t len = arg_u64(info, 2, "length");
	std::string kind_s = arg_string(info, 3, "kind");
	AccessKind kind;
	if (!parse_kind(kind_s, kind))
		throw Napi::TypeError::New(env,
			"unknown access kind '" + kind_s +
				"' (known: read, write, read-past-end, write-past-end)");

	const Pmem2Api &lib = api(env);
	pmem2_map *map = static_cast<pmem2_map *>(rec->ptr);
	uintptr_t base =
		reinterpret_cast<uintptr_t>(lib.pmem2_map_get_address(map));
	uint64_t size = lib.pmem2_map_get_size(map);
	bool past_end = kind == AK_READ_PAST_END || kind == AK_WRITE_PAST_END;
	bool store = kind == AK_WRITE || kind == AK_WRITE_PAST_END;
	uint64_t first = past_end ? size + off : off;
	if (past_end && len == 0)
		len = 1;
	if (first < off || first > UINTPTR_MAX - base ||
		len > UINTPTR_MAX - base - first)
		throw Napi::RangeError::New(env,
			"the range wraps around the address space");
	volatile char *start = reinterpret_cast<volatile char *>(base + first);
	long page = sysconf(_SC_PAGESIZE);

	pid_t pid = fork();
	if (pid < 0)
		throw Napi::Error::New(env,
			std::string("fork: ") + strerror(errno));
	if (pid == 0)
		child_access(start, len, store, page);

	int status = wait_child(env, pid);

	Napi::Object r = Napi::Object::New(env);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		r.Set("signal", Napi::Number::New(env, sig));
		r.Set("signalName", Napi::String::New(env, signal_name(sig)));
	} else {
		r.Set("exited", Napi::Number::New(env, WEXITSTATUS(status)));
	}
	return r;
}

void
fault_init(Napi::Env env, Napi::Object exports)
{
	exports.Set("forkAccess", Napi::Function::New(env, ForkAccess));
}

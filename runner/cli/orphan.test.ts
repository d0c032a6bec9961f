/**
 * A library that forks and then crashes leaves a process behind that holds
 * the worker's pipes (stdout, stderr, the message channel). The runner must
 * still record the crash and go on with a new worker, not wait for those
 * pipes to close: before it did, one such process (a hung child in the
 * sanitizer run) stalled a CI run for good.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { RunResult } from '../core/model.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { buildLie, canBuildLies } from './lying.js';

const skip = canBuildLies();

// the first pmem2_config_new of the run forks a process that sleeps for ten minutes, then aborts;
// the pid file makes every later worker's calls honest
const LIE = `#include <signal.h>
#include <stdio.h>
int pmem2_config_new(struct pmem2_config **cfg) {
	const char *f = getenv("PMC_ORPHAN_PIDFILE");
	if (f && access(f, F_OK) != 0) {
		pid_t pid = fork();
		if (pid == 0) {
			FILE *p = fopen(f, "w");
			if (p) { fprintf(p, "%d\\n", (int)getpid()); fclose(p); }
			sleep(600);
			_exit(0);
		}
		for (int i = 0; i < 500 && access(f, F_OK) != 0; i++) usleep(10000);
		abort();
	}
	return REAL(pmem2_config_new)(cfg);
}
`;

test('a crash that leaves a forked process holding the worker pipes is recorded, and the run goes on', { skip, timeout: 300_000 }, () => {
  const so = buildLie('orphan', LIE);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-orphan-'));
  const pidfile = path.join(dir, 'orphan.pid');
  const out = path.join(dir, 'out');
  // the run's output to a file, not a pipe: the forked process holds what the run had, and a pipe
  // would keep this test waiting on it too
  const logPath = path.join(dir, 'run.log');
  const log = fs.openSync(logPath, 'w');
  try {
    const r = spawnSync(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'runner/bin.cjs'),
        'run',
        '--fixture',
        'tmpfs',
        '--impl',
        `libpmem2=${so}`,
        '--suite',
        'pmem2_config_new',
        '--suites-only',
        '--seed',
        '1',
        '--quiet',
        '--out',
        out,
      ],
      { stdio: ['ignore', log, log], env: { ...process.env, PMC_ORPHAN_PIDFILE: pidfile }, timeout: 240_000 },
    );
    const text = () => fs.readFileSync(logPath, 'utf8').slice(-800);
    // a run that waits on the pipes is stopped by spawnSync's SIGTERM at the timeout (exit 143)
    assert.ok(r.signal === null && r.status !== 143, `the run did not finish: ${text()}`);
    assert.ok(fs.existsSync(pidfile), 'the lying build forked its process');
    const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
    const crashes = result.cases.filter((c) => c.verdict === 'crash');
    assert.equal(crashes.length, 1, JSON.stringify(crashes.map((c) => c.id)));
    assert.match(crashes[0]!.reason ?? '', /SIGABRT/);
    // the units after the crash ran in a new worker, with the honest library
    assert.ok(result.cases.filter((c) => c.verdict === 'pass').length > 0);
    assert.equal(r.status, 1, text());
  } finally {
    fs.closeSync(log);
    const pid = fs.existsSync(pidfile) ? Number(fs.readFileSync(pidfile, 'utf8').trim()) : 0;
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.dirname(so), { recursive: true, force: true });
  }
});

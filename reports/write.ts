/**
 * How reports reach the disk: each file is written to a temporary file in
 * its own directory, synced, and renamed over the old one, so a reader (or
 * a run killed with SIGKILL mid-write) never sees a half-written report.
 * A ReportSet holds the renames of one run until every report is rendered,
 * then makes them one after another, so results.json, index.html and the
 * JUnit file of a run are replaced together: a failure while rendering
 * leaves the previous set whole. Temporary files carry the writer's pid and
 * start time, so a later run removes those of dead writers (and the files
 * a killed run left while taking the output lock, runner/core/lock.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../runner/core/model.js';
import { procStartTime } from '../runner/core/ownership.js';
import type { Reporter, RunStart } from './reporter.js';
import type { CaseResult } from '../runner/core/model.js';

const TMP_TAG = '.pmem-conform-tmp-';
const TMP_RE = /^\..*\.pmem-conform-tmp-(\d+)\.(\d*)-[0-9a-f]+$|^\.pmem-conform\.lock\.(?:stale\.)?(\d+)\.(\d*)$/;

/** renames waiting for the set of the run being written (undefined: write through) */
let pending: { tmp: string; file: string }[] | undefined;

/** writeAtomic -- writes `content` to `file` through a temporary file in the same directory and a rename */
export function writeAtomic(file: string, content: string | Buffer): void {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const rand = Math.floor(Math.random() * 0xffffffff).toString(16);
  const tmp = path.join(dir, `.${path.basename(target)}${TMP_TAG}${process.pid}.${procStartTime(process.pid) ?? ''}-${rand}`);
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      /* closed above */
    }
  }
  if (pending) pending.push({ tmp, file: target });
  else fs.renameSync(tmp, target);
}

/** sweepStaleTemps -- removes the temporary report files of writers that no longer run; returns their paths */
export function sweepStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const e of entries) {
    const m = TMP_RE.exec(e);
    if (!m) continue;
    const [pid, start] = m[1] !== undefined ? [m[1], m[2]] : [m[3], m[4]];
    if (procStartTime(Number(pid)) === start) continue;
    fs.rmSync(path.join(dir, e), { force: true });
    removed.push(path.join(dir, e));
  }
  return removed;
}

/**
 * ReportSet -- a reporter around the run's reporters whose end() renders
 * every file first and renames them all afterwards
 */
export class ReportSet implements Reporter {
  constructor(private readonly inner: Reporter) {}

  begin(start: RunStart): void {
    this.inner.begin?.(start);
  }

  case(c: CaseResult): void {
    this.inner.case?.(c);
  }

  async end(result: RunResult): Promise<void> {
    pending = [];
    try {
      await this.inner.end?.(result);
      for (const { tmp, file } of pending) fs.renameSync(tmp, file);
    } finally {
      for (const { tmp } of pending ?? []) fs.rmSync(tmp, { force: true });
      pending = undefined;
    }
  }
}

/**
 * The baseline gate as reporters: one holds a run against an accepted
 * baseline and keeps the exit code the gate decides; the other rewrites the
 * baseline from the run (--update-baseline).
 */
import type { RunResult } from '../runner/core/model.js';
import type { Baseline } from './baseline.js';
import { compareWithBaseline, formatComparison, gateExitCode, updateBaseline, writeBaseline } from './baseline.js';
import type { Reporter } from './reporter.js';

/** GateReporter -- prints what the baseline accepts and what is new; exitCode is the gate's verdict */
export class GateReporter implements Reporter {
  exitCode: 0 | 1 = 0;

  constructor(
    private readonly baseline: Baseline,
    private readonly opts: { strict: boolean; silent?: boolean },
  ) {}

  end(result: RunResult): void {
    const cmp = compareWithBaseline(result, this.baseline);
    // silent: the console reporter prints the verdict (reports/findings.ts decides it the same way)
    if (!this.opts.silent) console.log(formatComparison(cmp, this.opts));
    this.exitCode = gateExitCode(cmp, this.opts);
  }
}

/** BaselineWriter -- rewrites the baseline file from the run, keeping the notes of entries that still hold */
export class BaselineWriter implements Reporter {
  constructor(
    private readonly file: string,
    private readonly previous: Baseline | undefined,
    private readonly opts: { pinVersion: boolean } = { pinVersion: false },
  ) {}

  end(result: RunResult): void {
    writeBaseline(this.file, updateBaseline(result, this.previous, this.opts));
    console.log(`baseline written: ${this.file}`);
  }
}

/** The JSON report: the result model, serialised as it is. */
import type { RunResult } from '../runner/core/model.js';
import type { Reporter } from './reporter.js';
import { writeAtomic } from './write.js';

export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

export function writeJson(result: RunResult, file: string): void {
  writeAtomic(file, renderJson(result));
}

/** JsonReporter -- writes results.json at the end of the run */
export class JsonReporter implements Reporter {
  constructor(private readonly file: string) {}

  end(result: RunResult): void {
    writeJson(result, this.file);
  }
}

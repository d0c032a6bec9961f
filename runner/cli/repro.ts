/**
 * pmem-conform repro CASE-ID: writes the standalone C reproducer of a case
 * of a run's results.json (reports/repro.ts) and prints the cc command
 * that builds it against the library the case ran on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RunResult } from '../core/model.js';
import { generateRepro, reproFileName } from '../../reports/repro.js';
import { UsageError } from './options.js';

/** repro -- the repro command; returns the exit status */
export function repro(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { from: { type: 'string', default: 'reports/results.json' }, out: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1)
    throw new UsageError("repro takes one case id: pmem-conform repro 'CASE-ID' [--from results.json] [--out DIR]");
  const id = positionals[0]!;
  let result: RunResult;
  try {
    result = JSON.parse(fs.readFileSync(values.from, 'utf8')) as RunResult;
  } catch (e) {
    throw new UsageError(`cannot read ${values.from}: ${(e as Error).message.split('\n')[0]}`);
  }
  const c = result.cases?.find((x) => x.id === id);
  if (!c) throw new UsageError(`no case '${id}' in ${values.from}`);
  const dir = path.resolve(values.out ?? path.join(path.dirname(values.from), 'repro'));
  const file = reproFileName(c.id);
  let r: ReturnType<typeof generateRepro>;
  try {
    r = generateRepro(c, result, file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, file), r.source);
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, file)) || file}`);
  if (r.unsupported.length) console.log(`calls not reproduced (left as comments): ${r.unsupported.join('; ')}`);
  console.log(`build and run it: cd ${path.relative(process.cwd(), dir) || '.'} && ${r.cc} && ./${file.replace(/\.c$/, '')}`);
  return 0;
}

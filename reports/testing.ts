/** Small RunResult builders for the report writers' unit tests. */
import type { CaseResult, RunResult } from '../runner/core/model.js';

let n = 0;

export function makeCase(p: Partial<CaseResult> & Pick<CaseResult, 'verdict'>): CaseResult {
  const clauseId = p.clauseId ?? `pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_X#${++n}`;
  const fixture = p.fixture ?? 'tmpfs';
  const implementation = p.implementation ?? 'libpmem2';
  return {
    id: `${clauseId}@${fixture}/${implementation}`,
    clauseId,
    page: 'pmem2_map_new(3) [seed .txt]',
    function: 'pmem2_map_new',
    clause: clauseId.replace(/^.*\/|#\d+$/g, ''),
    clauseText: 'text as the page writes it',
    kind: 'error',
    fixture,
    implementation,
    permitted: ['PMEM2_E_X'],
    durationMs: 10,
    ...p,
  };
}

export function makeResult(cases: CaseResult[]): RunResult {
  return {
    schema: 'pmem-conform/1',
    environment: {
      kernel: 'Linux 6.1.0',
      arch: 'x64',
      node: 'v20.0.0',
      cpuFlushInstructions: ['clflush', 'clwb'],
      hostname: 'host',
      fixtures: [
        { name: 'tmpfs', kind: 'tmpfs', capabilities: { mapSync: false } },
        { name: 'fsdax', kind: 'fsdax', directory: '/mnt/pmem', capabilities: { mapSync: true } },
      ],
      implementations: [
        { name: 'libpmem2', library: 'libpmem2.so.1', path: '/usr/lib/libpmem2.so.1', version: '1.12.1' },
        { name: 'libpmemset', library: 'libpmemset.so.1', path: '/opt/libpmemset.so.1' },
      ],
      startedAt: '2025-11-22T10:00:00.000Z',
      durationMs: 1234,
      command: 'pmem-conform --junit out.xml',
      seed: 42,
    },
    cases,
    coverage: [{ page: 'pmem2_map_new(3) [seed .txt]', clauses: 23, ran: 2 }],
    undefinedNames: [],
  };
}

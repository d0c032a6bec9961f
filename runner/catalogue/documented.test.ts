import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DOCUMENTED } from '../core/documented.js';
import { documentedBy, manualFiles } from './documented.js';

test('the checked-in table of documented functions is what the pages document', (t) => {
  for (const manual of ['libpmemset', 'libpmemset-1.11'] as const) {
    let files: string[];
    try {
      files = manualFiles(manual);
    } catch (e) {
      t.skip(`pages not readable here: ${(e as Error).message}`);
      return;
    }
    assert.deepEqual([...DOCUMENTED[manual]], documentedBy(files), `${manual}: regenerate runner/core/documented.ts`);
  }
});

test('a page documents its own name, its prototypes and its _UWFUNC forms, not the functions it only mentions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-doc-'));
  const f = path.join(dir, 'pmemset_a.3.md');
  fs.writeFileSync(
    f,
    [
      'int pmemset_b(struct pmemset *set);',
      'const char *pmemset_c(void);',
      '_UWFUNCR20(int, pmemset_d, struct pmemset_source **src, *file)',
      'typedef int pmemset_e(void *arg);',
      'See **pmemset_f**(3).',
    ].join('\n'),
  );
  assert.deepEqual(documentedBy([f]), ['pmemset_a', 'pmemset_b', 'pmemset_c', 'pmemset_d']);
  fs.rmSync(dir, { recursive: true });
});

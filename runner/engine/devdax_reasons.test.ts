/**
 * Issue 12's rule for device DAX, kept from now on: every case either runs
 * on a device DAX fixture (`fixtures: 'devdax'`) or names the device-DAX
 * fact that keeps it off one (`notOnDevdax`). A clause of another operating
 * system says so first, on every fixture. The generic "this case needs
 * files" is what a new case gets when it says neither: this test fails then.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clauseKey } from '../../suites/framework.js';
import { SUITES } from '../../suites/index.js';
import { loadCatalogue } from '../catalogue/build.js';
import { platformSkip } from '../core/verdict.js';
import { selectClauses } from './suites.js';

test('every case runs on device DAX or names the device-DAX fact that keeps it off one', () => {
  const generic: string[] = [];
  let onDevdax = 0;
  let reasoned = 0;
  for (const { suite, clause } of selectClauses(loadCatalogue(), SUITES)) {
    if (platformSkip(clause)) continue;
    const def = suite.cases.find((c) => c.key === clauseKey(clause));
    if (!def) continue; // a clause without a case is another test's error (the engine reports it)
    if (def.fixtures === 'devdax') onDevdax++;
    else if (def.notOnDevdax && def.notOnDevdax.trim().length > 0) reasoned++;
    else generic.push(clause.id);
  }
  assert.deepEqual(generic, [], `${generic.length} clauses skip on device DAX with no device-DAX fact`);
  // the suites do reach the device: most clauses run there
  assert.ok(onDevdax > 3 * reasoned, `${onDevdax} clauses run on device DAX, ${reasoned} name why not`);
});

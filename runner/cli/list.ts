/** pmem-conform list: the suites, fixtures and properties this build knows */
import { FIXTURES, pmemOnThisMachine, REMOTE_FIXTURES } from '../../fixtures/index.js';
import { SUITES } from '../../suites/index.js';
import { loadCatalogue } from '../catalogue/build.js';
import { selectClauses } from '../engine/suites.js';

export async function list(): Promise<number> {
  const { PROPERTIES } = await import('../../properties/index.js');
  console.log('suites:');
  const catalogue = loadCatalogue();
  // a run makes one case per clause of every copy of the suite's pages, per fixture: count those, not the definitions
  for (const s of SUITES)
    console.log(
      `  ${s.name.padEnd(24)} ${s.implementation}, pages ${s.pages.join(', ')}, ${selectClauses(catalogue, [s]).length} cases per fixture`,
    );
  console.log('fixtures:');
  for (const [n, f] of Object.entries(FIXTURES)) console.log(`  ${n.padEnd(24)} ${f.describe}`);
  for (const [n, d] of Object.entries(REMOTE_FIXTURES)) console.log(`  ${n.padEnd(24)} ${d}`);
  console.log(`  ${'all'.padEnd(24)} every fixture this machine can provide`);
  for (const l of pmemOnThisMachine()) console.log(l);
  console.log('properties:');
  for (const p of PROPERTIES) console.log(`  ${p.name.padEnd(32)} ${p.implementation}: ${p.title}`);
  return 0;
}

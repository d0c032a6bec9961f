import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureCaps, jsonForScript, kindLabel, renderHtml, writeHtml } from './html.js';
import { type Baseline, BASELINE_SCHEMA } from './baseline.js';
import { escapeHtml } from './common.js';
import { makeCase, makeResult } from './testing.js';

const EVIL = '</script><img src=x onerror="alert(1)"><!-- \u2028 & <b>bold</b>';

function evilResult() {
  return makeResult([
    makeCase({
      clauseId: 'p/f/<A>#1',
      clause: '<A>',
      verdict: 'diverge',
      clauseText: `page says ${EVIL}`,
      observed: { code: -22, name: '-EINVAL</script>', at: 'f("</script>")', message: EVIL, details: { '<k>': '<v>' } },
      reason: EVIL,
      note: EVIL,
    }),
    makeCase({ clauseId: 'p/f/B#1', verdict: 'pass', fixture: 'fsdax' }),
    makeCase({ clauseId: 'p/f/C#1', verdict: 'skip', reason: `skip ${EVIL}`, implementation: 'libpmemset' }),
    makeCase({
      clauseId: 'p/f/D#1',
      kind: 'property',
      verdict: 'error',
      reason: `error ${EVIL}`,
      seed: 7,
      path: '1:2',
      replay: `replay '${EVIL}'`,
    }),
  ]);
}

function scripts(html: string): { attrs: string; body: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({ attrs: m[1]!, body: m[2]! }));
}

test('model strings cannot break out of the data block or the markup', () => {
  const result = evilResult();
  const html = renderHtml(result);
  const s = scripts(html);
  assert.equal(s.length, 2, 'exactly the data block and the client script');
  assert.equal((html.match(/<script/gi) ?? []).length, 2);
  assert.match(s[0]!.attrs, /type="application\/json"/);
  // the data block parses back to exactly the result
  const data = JSON.parse(s[0]!.body) as { result: unknown };
  assert.deepEqual(data.result, JSON.parse(JSON.stringify(result)));
  // nothing from the model appears as markup
  assert.ok(!/<img/i.test(html), 'no <img> element');
  assert.ok(!html.includes('<b>bold</b>'));
  assert.ok(!html.includes('onerror="alert'));
  assert.ok(html.includes('&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'));
  // comments cannot be opened by the data either
  assert.equal((html.match(/<!--/g) ?? []).length, 0);
});

test('jsonForScript escapes <, >, & and line separators', () => {
  const out = jsonForScript({ s: '</script><!--&\u2028\u2029' });
  assert.ok(!/[<>&\u2028\u2029]/.test(out));
  assert.deepEqual(JSON.parse(out), { s: '</script><!--&\u2028\u2029' });
});

test('escapeHtml escapes the five characters', () => {
  assert.equal(escapeHtml(`<a b="c" d='e'>&`), '&lt;a b=&quot;c&quot; d=&#39;e&#39;&gt;&amp;');
  assert.equal(escapeHtml(undefined), '');
  assert.equal(escapeHtml(42), '42');
});

test('self-contained: no network references, a CSP that allows only the inline script by hash', () => {
  const html = renderHtml(evilResult());
  assert.ok(!/(src|href)\s*=\s*"(https?:)?\/\//i.test(html), 'no external src/href');
  assert.ok(!/<link\b/i.test(html), 'no <link>');
  assert.ok(!/@import|url\(/i.test(html), 'no CSS imports or url()');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'CSP meta present');
  assert.match(csp, /default-src 'none'/);
  const client = scripts(html)[1]!.body;
  const hash = createHash('sha256').update(client, 'utf8').digest('base64');
  assert.ok(csp.includes(`'sha256-${hash}'`), 'CSP hash matches the client script');
  assert.ok(!/script-src[^;]*unsafe-inline/.test(csp), 'inline handlers stay blocked');
  // the client script is valid JavaScript
  assert.doesNotThrow(() => new Function(client));
});

test('summary counts, matrix cells and sections reflect the data', () => {
  const html = renderHtml(evilResult());
  const cell = (impl: string, fixture: string, verdict: string) =>
    new RegExp(`<td[^>]*data-impl="${impl}" data-fixture="${fixture}" data-verdict="${verdict}">(\\d+)</td>`).exec(html)?.[1];
  assert.equal(cell('libpmem2', 'tmpfs', 'diverge'), '1');
  assert.equal(cell('libpmem2', 'tmpfs', 'error'), '1');
  assert.equal(cell('libpmem2', 'tmpfs', 'total'), '2');
  assert.equal(cell('libpmem2', 'fsdax', 'pass'), '1');
  assert.equal(cell('libpmemset', 'tmpfs', 'skip'), '1');
  assert.equal(cell('\\*', '\\*', 'total'), '4');
  // every case has a button in the matrix, with the verdict as a word
  for (let i = 0; i < 4; i++) assert.match(html, new RegExp(`class="case open-case v-\\w+[^"]*" data-case="${i}" data-open="${i}"`));
  assert.match(html, /<span class="vw">diverge<\/span>/);
  assert.match(html, /id="divergences"[\s\S]*-EINVAL&lt;\/script&gt;/);
  assert.match(html, /id="properties"[\s\S]*<code id="replay-3">replay &#39;&lt;\/script&gt;/);
  assert.match(html, /id="coverage"[\s\S]*<td class="num">23<\/td><td class="num">2<\/td><td class="num">9%<\/td>/);
});

test('a baseline marks accepted divergences', () => {
  const r = evilResult();
  const html = renderHtml(r, {
    baseline: {
      schema: BASELINE_SCHEMA,
      entries: [{ implementation: 'libpmem2', clauseId: 'p/f/<A>#1', observedName: '-EINVAL</script>', note: 'ok <because>' }],
    },
  });
  assert.match(html, /Baseline: ok &lt;because&gt;/);
  assert.match(html, /<span class="status s-accepted">accepted<\/span>/);
  assert.match(html, /data-gate="red"/, 'a harness error keeps the gate red');
  assert.match(html, /class="case open-case v-diverge accepted"/);
  const data = JSON.parse(scripts(html)[0]!.body) as { accepted: Record<string, string> };
  assert.deepEqual(data.accepted, { '0': 'ok <because>' });
});

test('writeHtml writes one file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'html-'));
  const file = join(dir, 'x', 'index.html');
  writeHtml(evilResult(), file);
  assert.match(readFileSync(file, 'utf8'), /^<!DOCTYPE html>/);
});

test('an empty run renders', () => {
  const html = renderHtml(makeResult([]));
  assert.match(html, /No cases ran\./);
  assert.match(html, /No divergences/);
  assert.match(html, /No property-based case failed/);
});

test('the gate: red with the NEW finding and why, green when the baseline accepts everything; --strict FIXED turns it red', () => {
  const div = (copy: string, fixture: string) =>
    makeCase({
      clauseId: `pmem2_map_new@${copy}/pmem2_map_new/PMEM2_E_MAP_RANGE#2`,
      verdict: 'diverge',
      fixture,
      observed: { code: -22, name: '-EINVAL', at: 'pmem2_map_new()' },
    });
  const cases = [div('seed-txt', 'tmpfs'), div('seed-md', 'tmpfs'), div('man-1.12.1', 'tmpfs'), div('seed-txt', 'fsdax')];
  cases.push(makeCase({ clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/OLD#1', verdict: 'pass' }));
  const r = makeResult(cases);
  const none = { schema: BASELINE_SCHEMA, entries: [] } as const;
  const red = renderHtml(r, { baseline: { ...none, entries: [] } });
  const gate = /<section id="gate"[\s\S]*?<\/section>/.exec(red)![0];
  assert.match(gate, /data-gate="red"/);
  assert.match(gate, /Gate RED: 1 new finding \(4 divergent cases\) the baseline does not accept/);
  assert.match(gate, /<strong>1<\/strong> NEW/);
  assert.match(gate, /<code class="name nw">-EINVAL<\/code>/);
  // the gate comes before everything else on the page
  assert.ok(red.indexOf('id="gate"') < red.indexOf('id="summary"'));
  // one finding row for the four cases, expandable to them
  const rows = red.match(/<tr id="f-[0-9a-f]+" class="finding" data-cases="0 1 2 3"/g) ?? [];
  assert.equal(rows.length, 1);
  assert.match(red, /4 cases, 3 page copies/);
  const accepting: Baseline = {
    schema: BASELINE_SCHEMA,
    entries: [
      {
        implementation: 'libpmem2',
        clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_MAP_RANGE#2',
        observedName: '-EINVAL',
        note: 'n',
      },
      {
        implementation: 'libpmem2',
        clauseId: 'pmem2_map_new@seed-md/pmem2_map_new/PMEM2_E_MAP_RANGE#2',
        observedName: '-EINVAL',
        note: 'n',
      },
      {
        implementation: 'libpmem2',
        clauseId: 'pmem2_map_new@man-1.12.1/pmem2_map_new/PMEM2_E_MAP_RANGE#2',
        observedName: '-EINVAL',
        note: 'n',
      },
      { implementation: 'libpmem2', clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/OLD#1', observedName: '-EIO', note: 'gone' },
    ],
  };
  const green = renderHtml(r, { baseline: accepting });
  assert.match(green, /data-gate="green"/);
  assert.match(green, /<strong>1<\/strong> FIXED/);
  const strict = renderHtml(r, { baseline: accepting, strict: true });
  assert.match(strict, /data-gate="red"/);
  assert.match(strict, /Gate RED: 1 baseline entry no longer diverge/);
  assert.match(strict, /FIXED: libpmem2 <code>pmem2_map_new\/OLD#1<\/code>/);
});

test('a RETURN VALUE clause is labelled as one, not as an error clause', () => {
  const rv = makeCase({ clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/RETURN VALUE#1', verdict: 'pass', kind: 'error' });
  assert.equal(kindLabel(rv), 'RETURN VALUE');
  assert.equal(kindLabel(makeCase({ verdict: 'pass' })), 'ERRORS entry');
  const html = renderHtml(makeResult([rv]));
  const data = JSON.parse(scripts(html)[0]!.body) as { where: Record<string, { label: string; rerun: string }> };
  assert.equal(data.where['0']!.label, 'RETURN VALUE');
  assert.match(
    data.where['0']!.rerun,
    /^npx pmem-conform run --fixture tmpfs --impl libpmem2 .*--grep 'pmem2_map_new@seed-txt\/pmem2_map_new\/RETURN VALUE#1' --suites-only$/,
  );
});

test('fixture headers name the probed capabilities', () => {
  assert.deepEqual(fixtureCaps({ dax: false, mapSync: false }), ['DAX no', 'MAP_SYNC no', 'granularity PAGE']);
  assert.deepEqual(fixtureCaps({ dax: true, mapSync: true, persistenceDomain: 'cpu_cache' }), [
    'DAX yes',
    'MAP_SYNC yes',
    'granularity BYTE',
    'domain cpu_cache',
  ]);
  assert.match(renderHtml(makeResult([makeCase({ verdict: 'pass' })])), /DAX \?.*MAP_SYNC no/);
});

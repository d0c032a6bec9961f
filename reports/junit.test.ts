import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderJunit, writeJunit } from './junit.js';
import { type Baseline, BASELINE_SCHEMA } from './baseline.js';
import { escapeXml } from './common.js';
import { makeCase, makeResult } from './testing.js';

/** A strict little XML parser: enough to prove the output well-formed and walk it. */
interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}
function decode(s: string): string {
  if (/[<]/.test(s)) throw new Error(`raw "<" in ${JSON.stringify(s)}`);
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);|&/gi, (m, ent: string | undefined) => {
    if (!ent) throw new Error(`bare "&" in ${JSON.stringify(s)}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ent[0] === '#') return String.fromCodePoint(ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10));
    const v = named[ent];
    if (v === undefined) throw new Error(`unknown entity ${m}`);
    return v;
  });
}
function parseXml(xml: string): El {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml)) throw new Error('character not allowed in XML 1.0');
  let s = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: El[] = [root];
  const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>/;
  while (s.length) {
    if (s.startsWith('<!--')) {
      const end = s.indexOf('-->');
      const body = s.slice(4, end);
      if (end < 0 || body.includes('--')) throw new Error('bad comment');
      s = s.slice(end + 3);
      continue;
    }
    if (s[0] === '<') {
      const m = tag.exec(s);
      if (!m) throw new Error(`bad tag at ${JSON.stringify(s.slice(0, 60))}`);
      const [all, close, name, attrText, selfClose] = m;
      s = s.slice(all.length);
      const top = stack[stack.length - 1]!;
      if (close) {
        if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
        stack.pop();
        continue;
      }
      const attrs: Record<string, string> = {};
      for (const a of attrText!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]!] = decode(a[2]!);
      }
      const el: El = { name: name!, attrs, children: [], text: '' };
      top.children.push(el);
      if (!selfClose) stack.push(el);
      continue;
    }
    const next = s.indexOf('<');
    const text = next < 0 ? s : s.slice(0, next);
    stack[stack.length - 1]!.text += decode(text);
    s = next < 0 ? '' : s.slice(next);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('not exactly one root element');
  return root.children[0]!;
}
const kids = (el: El, name: string) => el.children.filter((c) => c.name === name);

const NASTY = 'bad <tag> & "quote" \'apos\' ]]> \u0001\u0007 ctl \ud800 lone, emoji 🙂, <![CDATA[x]]>';

function sampleResult() {
  return makeResult([
    makeCase({ clauseId: 'p/f/A#1', verdict: 'pass', fixture: 'tmpfs', durationMs: 1500 }),
    makeCase({
      clauseId: 'p/f/B#1',
      verdict: 'diverge',
      fixture: 'tmpfs',
      observed: { code: -22, name: '-EINVAL', at: 'f(<x>)', message: NASTY },
    }),
    makeCase({ clauseId: 'p/f/C#1', verdict: 'diverge', fixture: 'tmpfs', observed: { code: -1, name: 'ACCEPTED_NAME', at: 'f()' } }),
    makeCase({ clauseId: 'p/f/D#1', verdict: 'skip', fixture: 'tmpfs', reason: 'needs devdax\nsecond line' }),
    makeCase({ clauseId: 'p/f/E#1', verdict: 'error', fixture: 'tmpfs', reason: 'child died: SIGSEGV' }),
    makeCase({ clauseId: 'p/f/A#1', verdict: 'pass', fixture: 'fsdax' }),
    makeCase({ clauseId: 'p/f/B#1', verdict: 'diverge', fixture: 'fsdax', observed: { code: -22, name: '-EINVAL', at: 'f()' } }),
    makeCase({ clauseId: 'q/g/Z#1', verdict: 'skip', fixture: 'tmpfs', implementation: 'libpmemset', reason: 'no "SDS"' }),
  ]);
}

test('one testsuite per implementation × fixture with correct counts', () => {
  const root = parseXml(renderJunit(sampleResult()));
  assert.equal(root.name, 'testsuites');
  const suites = kids(root, 'testsuite');
  assert.deepEqual(
    suites.map((s) => s.attrs.name),
    ['libpmem2 1.12.1 @ tmpfs', 'libpmem2 1.12.1 @ fsdax', 'libpmemset @ tmpfs'],
  );
  const counts = suites.map((s) => [s.attrs.tests, s.attrs.failures, s.attrs.errors, s.attrs.skipped].join('/'));
  assert.deepEqual(counts, ['5/2/1/1', '2/1/0/0', '1/0/0/1']);
  assert.deepEqual([root.attrs.tests, root.attrs.failures, root.attrs.errors, root.attrs.skipped], ['8', '3', '1', '2']);
  // the attributes agree with the children
  for (const s of suites) {
    const cases = kids(s, 'testcase');
    assert.equal(String(cases.length), s.attrs.tests);
    assert.equal(String(cases.filter((c) => kids(c, 'failure').length).length), s.attrs.failures);
    assert.equal(String(cases.filter((c) => kids(c, 'error').length).length), s.attrs.errors);
    assert.equal(String(cases.filter((c) => kids(c, 'skipped').length).length), s.attrs.skipped);
    const props = kids(kids(s, 'properties')[0]!, 'property');
    const byName = Object.fromEntries(props.map((p) => [p.attrs.name, p.attrs.value]));
    assert.equal(byName.kernel, 'Linux 6.1.0');
    assert.equal(byName['cpu.flush'], 'clflush clwb');
    assert.equal(byName.seed, '42');
  }
  const first = suites[0]!;
  assert.equal(first.attrs.time, '1.540'); // 1500 + 4 × 10 ms
  const tc = kids(first, 'testcase')[0]!;
  // no dot: Jenkins would split the classname there into a package and a class
  assert.equal(tc.attrs.classname, 'pmem2_map_new(3) [seed _txt]/pmem2_map_new');
  assert.equal(tc.attrs.name, 'A [p/f/A#1]');
  assert.equal(tc.attrs.time, '1.500');
  const fsdaxProps = Object.fromEntries(kids(kids(suites[1]!, 'properties')[0]!, 'property').map((p) => [p.attrs.name, p.attrs.value]));
  assert.equal(fsdaxProps['fixture.directory'], '/mnt/pmem');
  assert.equal(fsdaxProps['fixture.capability.mapSync'], 'true');
  assert.equal(fsdaxProps['implementation.version'], '1.12.1');
});

test('skips, failures and errors carry their reasons; the XML stays well-formed with nasty strings', () => {
  const xml = renderJunit(sampleResult());
  const root = parseXml(xml); // throws if malformed
  const tcs = kids(kids(root, 'testsuite')[0]!, 'testcase');
  const skipped = kids(tcs[3]!, 'skipped')[0]!;
  assert.equal(skipped.attrs.message, 'needs devdax second line');
  const failure = kids(tcs[1]!, 'failure')[0]!;
  assert.equal(failure.attrs.message, 'page permits PMEM2_E_X; library returned -EINVAL');
  assert.equal(failure.attrs.type, 'divergence');
  assert.match(failure.text, /Observed: -EINVAL \(-22\) from f\(<x>\)/);
  assert.ok(failure.text.includes('bad <tag> & "quote" \'apos\' ]]> \\x01\\x07 ctl \\ud800 lone, emoji 🙂'), failure.text);
  const error = kids(tcs[4]!, 'error')[0]!;
  assert.equal(error.attrs.message, 'child died: SIGSEGV');
  assert.ok(!xml.includes('<tag>'));
  assert.ok(!xml.includes('\u0001'));
});

test('escapeXml escapes markup and makes control characters visible', () => {
  assert.equal(escapeXml(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  assert.equal(escapeXml('a\u0000b\r\n\t'), 'a\\x00b&#13;\n\t');
  assert.equal(escapeXml('\udc00x\ud83d\ude42'), '\\udc00x\ud83d\ude42');
  assert.equal(escapeXml(undefined), '');
});

test('a divergence the baseline accepts passes, with a system-out saying why', () => {
  const baseline = {
    schema: BASELINE_SCHEMA,
    entries: [{ implementation: 'libpmem2', clauseId: 'p/f/C#1', observedName: 'ACCEPTED_NAME', note: 'page is wrong, see issue <42>' }],
  } as const;
  const root = parseXml(renderJunit(sampleResult(), { baseline: { schema: baseline.schema, entries: [...baseline.entries] } }));
  const suite = kids(root, 'testsuite')[0]!;
  assert.equal(suite.attrs.failures, '1');
  assert.equal(root.attrs.failures, '2');
  const tc = kids(suite, 'testcase')[2]!;
  assert.equal(kids(tc, 'failure').length, 0);
  const out = kids(tc, 'system-out')[0]!;
  assert.match(out.text, /^Accepted divergence \(baseline\): the page permits PMEM2_E_X, the library returned ACCEPTED_NAME\./);
  assert.match(out.text, /Why accepted: page is wrong, see issue <42>/);
});

test('an empty run is still a valid report', () => {
  const root = parseXml(renderJunit(makeResult([])));
  assert.equal(root.attrs.tests, '0');
  assert.equal(kids(root, 'testsuite').length, 0);
});

test('writeJunit creates the directory and writes the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'junit-'));
  const file = join(dir, 'a', 'b', 'junit.xml');
  writeJunit(sampleResult(), file);
  assert.ok(readFileSync(file, 'utf8').startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites '));
});

test('classnames carry no dot, whatever the page version says', () => {
  const r = sampleResult();
  for (const c of r.cases) c.page = 'pmem2_map_new(3) [man-1.12.1]';
  const root = parseXml(renderJunit(r));
  const names = kids(root, 'testsuite').flatMap((s) => kids(s, 'testcase').map((t) => t.attrs.classname!));
  assert.equal(names.length, r.cases.length);
  for (const n of names) assert.ok(!n.includes('.'), n);
  assert.ok(names.includes('pmem2_map_new(3) [man-1_12_1]/pmem2_map_new'));
});

test('--strict: a baseline entry that no longer diverges is a failure, as the exit status says', () => {
  // p/f/A#1 passes on both fixtures: its entry is fixed
  const baseline: Baseline = {
    schema: BASELINE_SCHEMA,
    entries: [{ implementation: 'libpmem2', clauseId: 'p/f/A#1', observedName: '-EINVAL', note: 'old finding' }],
  };
  const lax = parseXml(renderJunit(sampleResult(), { baseline }));
  assert.equal(lax.attrs.failures, '3');
  const strict = parseXml(renderJunit(sampleResult(), { baseline, strict: true }));
  assert.equal(strict.attrs.failures, '4');
  assert.equal(strict.attrs.tests, '9');
  const suite = kids(strict, 'testsuite').find((s) => s.attrs.name === 'baseline (--strict)')!;
  assert.ok(suite, 'a testsuite for the baseline');
  const failure = kids(kids(suite, 'testcase')[0]!, 'failure')[0]!;
  assert.equal(failure.attrs.type, 'baseline-fixed');
  assert.match(failure.attrs.message!, /no longer diverges/);
  assert.match(failure.text, /Baseline note: old finding/);
});

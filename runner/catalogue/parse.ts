/**
 * Reads the ERRORS and RETURN VALUE sections of a man page (rendered text,
 * markdown or roff) into clauses. Each format is first reduced to blocks
 * (bullets and paragraphs of plain text); the classification of blocks is
 * shared, so the three copies of a page yield comparable clauses.
 */
import { BEHAVIOURS, foldForQuote } from './behaviours.js';
import type { Clause, PageGap, PageSource } from '../core/catalogue.js';

export interface Block {
  bullet: boolean;
  text: string;
}

export interface Sections {
  errors: Block[][];
  returnValue: Block[][];
  /** headings read only by tolerating a defect of the page (misspelled, written in markdown): reported as gaps */
  headingNotes?: string[];
}

/** a heading as the page writes it, mapped to the section it stands for; a misspelled ERRORS is noted */
function knownHeading(raw: string, out: Sections): string {
  if (raw !== 'ERRORS' && /^E+R+O+R+S$/.test(raw)) {
    out.headingNotes ??= [];
    out.headingNotes.push(`the ERRORS heading is misspelled "${raw}"; its entries are catalogued as ERRORS`);
    return 'ERRORS';
  }
  return raw;
}

const HEADINGS = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'RETURN VALUE', 'ERRORS', 'SEE ALSO', 'CAVEATS', 'NOTES', 'BUGS'];

function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

// ---- rendered text (one paragraph per line, headings on their own line) ----

function txtSections(text: string): Sections {
  const lines = text.split(/\r?\n/);
  const out: Sections = { errors: [], returnValue: [] };
  let current: string | null = null;
  let body: string[] = [];
  const flush = () => {
    if (current === null) return;
    const blocks = body
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .map(txtBlock);
    // a heading with no body is a table-of-contents line, not a section
    if (blocks.length > 0) {
      if (current === 'ERRORS') out.errors.push(blocks);
      if (current === 'RETURN VALUE') out.returnValue.push(blocks);
    }
  };
  for (const line of lines) {
    const t = line.trim();
    if (HEADINGS.includes(t)) {
      flush();
      current = t;
      body = [];
    } else {
      body.push(line);
    }
  }
  flush();
  if (out.errors.length === 0) return txtSectionsWithoutHeadings(lines);
  return out;
}

// Some rendered copies lost their headings: find the sections by their
// sentences instead ("can fail with the following errors", "returns 0 on").
function txtSectionsWithoutHeadings(lines: string[]): Sections {
  const paras = lines.map((l) => l.trim()).filter((l) => l.length > 0);
  const out: Sections = { errors: [], returnValue: [] };
  const start = paras.findIndex((p) => /can fail with the following errors/.test(p));
  if (start >= 0) {
    const blocks: Block[] = [];
    for (let i = start; i < paras.length; i++) {
      const p = paras[i]!;
      if (looksLikeSeeAlso(p) || /^The contents of this web site/.test(p)) break;
      blocks.push(txtBlock(p));
    }
    out.errors.push(blocks);
  }
  const ret = paras.filter((p) => /returns? 0 on succe/.test(p));
  if (ret.length) out.returnValue.push(ret.map(txtBlock));
  return out;
}

function looksLikeSeeAlso(p: string): boolean {
  return /^(\*\*)?\w+\*?\*?\(\d\)(, |,$)/.test(p) && (p.match(/\(\d\)/g) ?? []).length >= 3;
}

function txtBlock(line: string): Block {
  const m = line.match(/^[•*·-]\s+(.*)$/);
  if (m && !/^-E[A-Z]/.test(line) && !/^-errno/.test(line)) return { bullet: true, text: squash(m[1]!) };
  return { bullet: isNamedEntry(line), text: squash(line) };
}

// ---- markdown (PMDK's page sources) ----

function mdText(s: string): string {
  return squash(
    s
      .replace(/\\\*/g, '\u0000')
      .replace(/\*\*/g, '')
      .replace(/(^|[^\\])\*/g, '$1')
      .replace(/_UW\((\w+)\)/g, '$1')
      .replace(/\u0000/g, '*')
      .replace(/\\(.)/g, '$1')
      .replace(/<(https?:[^>]+)>/g, '$1'),
  );
}

function mdSections(text: string): Sections {
  const out: Sections = { errors: [], returnValue: [] };
  // "# ERRORS #", and "# RETURN VALUE" without the closing '#' (several pmemset pages)
  const parts = text.split(/^#\s+([A-Z ]+?)(?:\s+#)?\s*$/m);
  for (let i = 1; i < parts.length; i += 2) {
    const heading = parts[i]!;
    const body = parts[i + 1] ?? '';
    const blocks = mdBlocks(body);
    if (heading === 'ERRORS') out.errors.push(blocks);
    if (heading === 'RETURN VALUE') out.returnValue.push(blocks);
  }
  return out;
}

function mdBlocks(body: string): Block[] {
  const blocks: Block[] = [];
  let cur: { bullet: boolean; lines: string[] } | null = null;
  const end = () => {
    if (cur?.lines.join('').trim()) blocks.push({ bullet: cur.bullet, text: mdText(cur.lines.join(' ')) });
    cur = null;
  };
  for (const line of body.split(/\r?\n/)) {
    if (/^\s*$/.test(line)) {
      end();
      continue;
    }
    // '*', '+' and '-' bullets ("- **-ENOMEM** - out of memory"); "-ENOMEM" alone is no bullet
    const b = line.match(/^[*+-]\s+(.*)$/);
    if (b) {
      end();
      cur = { bullet: true, lines: [b[1]!] };
      continue;
    }
    if (!cur) cur = { bullet: false, lines: [] };
    cur.lines.push(line);
  }
  end();
  return blocks;
}

// ---- roff (installed man pages) ----

function roffText(s: string): string {
  return squash(
    s
      .replace(/\\f\[[A-Z]*\]/g, '')
      .replace(/\\f[BIRP]/g, '')
      .replace(/\\\[bu\]/g, '•')
      .replace(/\\\[lq\]|\\\[rq\]/g, '"')
      .replace(/\\\[aq\]/g, "'")
      .replace(/\\-/g, '-')
      .replace(/\\&/g, '')
      .replace(/\\e/g, '\\'),
  );
}

function roffSections(text: string): Sections {
  const out: Sections = { errors: [], returnValue: [] };
  let heading: string | null = null;
  let blocks: Block[] = [];
  let cur: { bullet: boolean; lines: string[] } | null = null;
  const endBlock = () => {
    if (cur?.lines.join('').trim()) blocks.push({ bullet: cur.bullet, text: roffText(cur.lines.join(' ')) });
    cur = null;
  };
  const endSection = () => {
    endBlock();
    if (heading === 'ERRORS') out.errors.push(blocks);
    if (heading === 'RETURN VALUE') out.returnValue.push(blocks);
    blocks = [];
  };
  for (const line of text.split(/\r?\n/)) {
    const sh = line.match(/^\.SH\s+"?([^"]*)"?\s*$/);
    if (sh) {
      endSection();
      heading = knownHeading(sh[1]!.trim(), out);
      continue;
    }
    // a heading left in markdown inside the roff ("# RETURN VALUE #" in pmem2_vm_reservation_map_find(3))
    const mdh = line.match(/^#\s+([A-Z][A-Z ]*?)(?:\s+#)?\s*$/);
    if (mdh && HEADINGS.includes(knownHeading(mdh[1]!, { errors: [], returnValue: [] }))) {
      endSection();
      heading = knownHeading(mdh[1]!, out);
      out.headingNotes ??= [];
      out.headingNotes.push(
        `the ${heading} heading is written in markdown ("${line.trim()}"), not as a roff .SH; read as the ${heading} section`,
      );
      continue;
    }
    if (/^\.(PP|LP|P)\b/.test(line)) {
      endBlock();
      cur = { bullet: false, lines: [] };
      continue;
    }
    if (/^\.IP\b/.test(line)) {
      endBlock();
      cur = { bullet: /\\\[bu\]|\\\(bu/.test(line), lines: [] };
      continue;
    }
    if (/^\.(nf|fi|RS|RE|TP|sp|br)\b/.test(line) || /^\.\\"/.test(line)) continue;
    if (!cur) cur = { bullet: false, lines: [] };
    cur.lines.push(line);
  }
  endSection();
  return out;
}

/** the whole page as plain text, for finding the sentences behaviours quote */
export function plainText(text: string, format: PageSource['format']): string {
  if (format === 'md') return mdText(text.replace(/^#+\s*|\s*#+\s*$/gm, ''));
  if (format === 'roff')
    return roffText(
      text
        .split(/\r?\n/)
        .filter((l) => !/^\.(\\"|[A-Z]{1,2}\b)/.test(l) || /^\.(B|I|BR|IR)\s/.test(l))
        .join(' '),
    );
  return squash(text);
}

export function sections(text: string, format: PageSource['format']): Sections {
  if (format === 'md') return mdSections(text);
  if (format === 'roff') return roffSections(text);
  return txtSections(text);
}

// ---- classification, shared by all formats ----

const NAMED_ENTRY = /^(-?[A-Z][A-Z0-9_]{2,}|-errno)\s+[-–]\s+(.*)$/;

function isNamedEntry(text: string): boolean {
  return NAMED_ENTRY.test(text.trim());
}

function platformOf(text: string): Clause['platform'] {
  if (/\(Windows only\)/i.test(text)) return 'windows';
  if (/\(Linux only\)/i.test(text)) return 'linux';
  return 'any';
}

/** the platform an "On Linux:" group heading, or an "On Windows ..." sentence, puts its errors under */
function platformNamed(words: string): Clause['platform'] {
  if (/other than/i.test(words)) return 'any';
  if (/\bWindows\b/i.test(words)) return 'windows';
  if (/\bLinux\b/i.test(words)) return 'linux';
  if (/\bFreeBSD\b/i.test(words)) return 'freebsd';
  return 'any';
}

/** functions whose SYNOPSIS line says "/* Windows only *\/" (pmem2_source_from_handle) */
function windowsOnlyFunctions(text: string): Set<string> {
  const syn = text.replace(/\\ /g, ' ').replace(/\\f\[[A-Z]*\]|\\f[BIRP]/g, '');
  return new Set([...syn.matchAll(/\b((?:pmem2|pmemset)_\w+)\([^;]*\)\s*;\s*\/\*\s*Windows only\s*\*\//g)].map((m) => m[1]!));
}

function functionsNamed(text: string): string[] {
  return [...text.matchAll(/\b((?:pmem2|pmemset)_\w+)\(\)/g)].map((m) => m[1]!);
}

export interface ParseResult {
  clauses: Clause[];
  gaps: PageGap[];
}

export function parsePage(text: string, src: PageSource, sourceLabel: string): ParseResult {
  const secs = sections(text, src.format);
  const clauses: Clause[] = [];
  const gaps: PageGap[] = [];
  const counts = new Map<string, number>();

  const add = (c: Omit<Clause, 'id' | 'ordinal' | 'page' | 'section' | 'version' | 'source'>) => {
    const key = `${c.function}/${c.name}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    clauses.push({
      id: `${src.page}@${src.version}/${key}#${n}`,
      page: src.page,
      section: src.section,
      version: src.version,
      source: sourceLabel,
      ordinal: n,
      ...c,
    });
  };

  for (const blocks of secs.returnValue) {
    for (const b of blocks) {
      const fns = functionsNamed(b.text);
      add({ function: fns[0] ?? src.page, name: 'RETURN VALUE', kind: 'return', text: b.text, platform: platformOf(b.text) });
    }
  }

  if (secs.errors.length === 0) gaps.push({ page: src.page, version: src.version, what: 'the page has no ERRORS section' });
  for (const what of secs.headingNotes ?? []) gaps.push({ page: src.page, version: src.version, what });

  for (const blocks of secs.errors) {
    let fn = src.page;
    // "The a() and b() can fail ...": the bullets after it are clauses of both functions
    let fns = [fn];
    let group: string | undefined;
    // "On Linux:" / "On Windows:" / "On FreeBSD:" / "On all systems:" put the bullets after it under that platform
    let groupPlatform: Clause['platform'] = 'any';
    const bulletPlatform = (t: string) => (platformOf(t) !== 'any' ? platformOf(t) : groupPlatform);
    let listed = 0;
    let announced = false;
    for (const b of blocks) {
      const t = b.text;
      // "The f() can fail with the following errors:", also without "The", "()" or
      // "function", in the singular ("error"), for two functions ("The f and g can fail"),
      // and "The g can also fail with the error:"
      const intro = t.match(
        /^(?:The )?(\w+)(?:\(\))?(?: and (\w+)(?:\(\))?)?(?: functions?)? can (?:also )?fail with (?:the following errors?|the errors?):?$/,
      );
      if (intro) {
        if (announced && listed === 0)
          gaps.push({ page: src.page, version: src.version, what: `ERRORS announces errors of ${fn}() but lists none` });
        fn = intro[1]!;
        fns = intro[2] ? [intro[1]!, intro[2]] : [fn];
        group = undefined;
        groupPlatform = 'any';
        listed = 0;
        announced = true;
        continue;
      }
      // "The a()/b() functions can fail with the following errors:", "The a(), b() and c() can fail
      // with the following errors:", "The b() can return the following errors:"
      const listIntro = t.match(/^The (.+?\(\))(?: functions?)? can (?:fail with|return) the following errors:?$/);
      if (listIntro && functionsNamed(listIntro[1]!).length > 0) {
        if (announced && listed === 0)
          gaps.push({ page: src.page, version: src.version, what: `ERRORS announces errors of ${fn}() but lists none` });
        fns = functionsNamed(listIntro[1]!);
        fn = fns[0]!;
        group = undefined;
        groupPlatform = 'any';
        listed = 0;
        announced = true;
        continue;
      }
      // a bullet may also name its error without the dash ("-ENOMEM in case of ...")
      const named = t.match(NAMED_ENTRY) ?? (b.bullet ? t.match(/^(-E[A-Z0-9]+|PMEM\w*_E_[A-Z0-9_]+)\s+(.*)$/) : null);
      if (named && (b.bullet || isNamedEntry(t))) {
        for (const f of fns)
          add({ function: f, name: named[1]!, kind: 'error', text: t, platform: bulletPlatform(t), ...(group ? { group } : {}) });
        listed++;
        continue;
      }
      // "-errno set by failing fstat(2), while trying to ...": the errno of the function named
      const errnoOf = b.bullet ? t.match(/^-errno set by (?:a )?failing (?:the )?(?:underlying )?(\w+\(\d?\))/) : null;
      if (errnoOf) {
        for (const f of fns)
          add({
            function: f,
            name: '-errno',
            kind: 'passthrough',
            text: t,
            platform: bulletPlatform(t),
            via: errnoOf[1]!,
            ...(group ? { group } : {}),
          });
        listed++;
        continue;
      }
      const on = t.match(/^On ([\w ]+):$/i);
      if (on) {
        group = t.replace(/:$/, '');
        groupPlatform = platformNamed(on[1]!);
        continue;
      }
      // "On systems other than Windows it can also return -EINVAL from ...", "The f() and g() functions
      // can also return -ENOMEM in case of ...", "On Windows f() can return all errors from the underlying g() function."
      const said = /^It can also return/.test(t)
        ? null
        : t.match(/^(On [\w ]+? )?(it|The .+?\(\)(?: functions?)?|(?:pmem2|pmemset)_\w+\(\)) can (?:also )?return (?!the following)(.*)$/i);
      if (said) {
        const subject = functionsNamed(said[2]!);
        const targets = subject.length ? subject : fns;
        const platform = said[1] ? platformNamed(said[1]) : platformOf(t);
        const rest = said[3]!;
        const errnos = [...rest.matchAll(/(-E[A-Z0-9]+)\b/g)].map((m) => m[1]!);
        const via = rest.match(/underlying \*?\*?(\w+\(\d?\))/)?.[1];
        for (const f of targets) {
          if (errnos.length)
            for (const e of errnos) add({ function: f, name: e, kind: 'passthrough', text: t, platform, ...(via ? { via } : {}) });
          else
            for (const r of [...rest.matchAll(/\b(\w+\(\d?\))/g)].map((m) => m[1]!).filter((r) => !/^libpmem\w*\(7\)$/.test(r)))
              add({ function: f, name: `errors of ${r}`, kind: 'inherits', text: t, platform, via: r });
        }
        listed += Math.max(errnos.length, 1);
        continue;
      }
      const only = t.match(/^(-E[A-Z]+) may be returned only if/);
      if (only) {
        // narrows the passthrough it names: keep the condition with it
        for (const c of clauses) if (c.function === fn && c.name === only[1] && c.kind === 'passthrough') c.text = `${c.text} ${t}`;
        continue;
      }
      if (/^It can also return/.test(t)) {
        const errnos = [...t.matchAll(/(-E[A-Z0-9]+)\b/g)].map((m) => m[1]!);
        if (errnos.length > 0) {
          // "-EAGAIN, -ENOMEM from mmap(2) ... and -ENOMEM in case of ..." names -ENOMEM twice: two clauses
          const vias = [...t.matchAll(/underlying \*?\*?(\w+\(\d?\))/g)].map((m) => m[1]!);
          for (const e of errnos)
            add({ function: fn, name: e, kind: 'passthrough', text: t, platform: platformOf(t), ...(vias[0] ? { via: vias[0] } : {}) });
          listed += errnos.length;
        } else {
          const refs = [...t.matchAll(/\b(\w+\(\d?\))/g)].map((m) => m[1]!);
          const underlying = refs.filter((r) => !/^libpmem\w*\(7\)$/.test(r));
          if (underlying.length === 0)
            add({ function: fn, name: `${refs[0] ?? 'other'} errors`, kind: 'inherits', text: t, platform: 'any' });
          for (const r of underlying) add({ function: fn, name: `errors of ${r}`, kind: 'inherits', text: t, platform: 'any', via: r });
          listed++;
        }
        continue;
      }
      if (/^When .*:$/.test(t)) {
        group = t.replace(/:$/, '');
        continue;
      }
      if (/are not supported yet\.?$/.test(t) || /is not supported yet\.?$/.test(t)) {
        for (const f of functionsNamed(t).length ? functionsNamed(t) : [fn])
          add({ function: f, name: 'not supported yet', kind: 'statement', text: t, platform: platformOf(t) });
        continue;
      }
      gaps.push({ page: src.page, version: src.version, what: `unclassified sentence in ERRORS: "${t}"` });
    }
    if (announced && listed === 0)
      gaps.push({ page: src.page, version: src.version, what: `ERRORS announces errors of ${fn}() but lists none` });
  }
  const plain = plainText(text, src.format);
  for (const b of BEHAVIOURS) {
    if (b.page !== src.page) continue;
    const quotes = Array.isArray(b.quote) ? b.quote : [b.quote];
    const found = quotes.find((q) => plain.includes(foldForQuote(q)));
    if (found === undefined) {
      gaps.push({
        page: src.page,
        version: src.version,
        what: `this copy does not say "${quotes[0]}" (behaviour "${b.name}" not catalogued for it)`,
      });
      continue;
    }
    add({ function: b.function, name: b.name, kind: b.kind, text: found, platform: 'any' });
  }
  // a function the SYNOPSIS marks "/* Windows only */": every clause of it is Windows only
  const windowsOnly = windowsOnlyFunctions(text);
  for (const c of clauses) if (windowsOnly.has(c.function)) c.platform = 'windows';
  return { clauses, gaps };
}

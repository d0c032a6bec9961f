/** Helpers shared by the report writers. */
import type { CaseResult, RunResult } from '../runner/core/model.js';

/** Text from the model, defensively: results.json may come from another version. */
export function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  return String(v);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape for HTML text and (quoted) attribute values. */
export function escapeHtml(v: unknown): string {
  return str(v).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Escape for XML 1.0 text and attribute values. Characters XML 1.0 cannot
 * carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are written
 * as a visible "\xNN"/"\uNNNN" so that the file stays well-formed.
 */
export function escapeXml(v: unknown): string {
  let out = '';
  const s = str(v);
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + s[i + 1];
        i++;
      } else out += `\\u${cp.toString(16).padStart(4, '0')}`;
      continue;
    }
    if (cp >= 0xdc00 && cp <= 0xdfff) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
      continue;
    }
    switch (ch) {
      case '&':
        out += '&amp;';
        continue;
      case '<':
        out += '&lt;';
        continue;
      case '>':
        out += '&gt;';
        continue;
      case '"':
        out += '&quot;';
        continue;
      case "'":
        out += '&apos;';
        continue;
      case '\t':
      case '\n':
        out += ch;
        continue;
      case '\r':
        out += '&#13;';
        continue;
    }
    if (cp < 0x20) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp === 0xfffe || cp === 0xffff) out += `\\u${cp.toString(16)}`;
    else out += ch;
  }
  return out;
}

/** Names in first-seen order, those the environment lists first. */
function ordered(listed: readonly string[], seen: Iterable<string>): string[] {
  const out = [...listed];
  const have = new Set(out);
  for (const s of seen) {
    if (!have.has(s)) {
      have.add(s);
      out.push(s);
    }
  }
  return out;
}

export function fixtureNames(result: RunResult): string[] {
  return ordered(
    (result.environment.fixtures ?? []).map((f) => f.name),
    result.cases.map((c) => c.fixture),
  );
}

export function implementationNames(result: RunResult): string[] {
  return ordered(
    (result.environment.implementations ?? []).map((i) => i.name),
    result.cases.map((c) => c.implementation),
  );
}

export function versionOf(result: RunResult, implementation: string): string | undefined {
  return result.environment.implementations?.find((i) => i.name === implementation)?.version;
}

/** implementation × fixture pairs that have cases, in a stable order, with their cases. */
export function suites(result: RunResult): { implementation: string; fixture: string; cases: CaseResult[] }[] {
  const out: { implementation: string; fixture: string; cases: CaseResult[] }[] = [];
  for (const implementation of implementationNames(result)) {
    for (const fixture of fixtureNames(result)) {
      const cases = result.cases.filter((c) => c.implementation === implementation && c.fixture === fixture);
      if (cases.length > 0) out.push({ implementation, fixture, cases });
    }
  }
  return out;
}

/** Group preserving first-seen order of keys. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export function isPropertyCase(c: CaseResult): boolean {
  return c.kind === 'property';
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

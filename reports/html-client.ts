/**
 * The script embedded in the HTML report. `reportClient` is serialised with
 * Function.prototype.toString and run in the page, so it must be
 * self-contained: no imports, no references to anything outside its body
 * (types are fine, they are erased). It builds DOM with textContent and
 * setAttribute only, never innerHTML, so model strings cannot inject markup.
 */
import type { CaseResult, RunResult } from '../runner/core/model.js';

/** What the page's <script type="application/json" id="report-data"> holds. */
export interface ClientData {
  result: RunResult;
  /** case index → baseline note, for divergences the baseline accepts */
  accepted: Record<string, string>;
  /** the model's verdict list (runner/core/model.ts), in order: the page's filters offer these */
  verdicts: readonly string[];
  /** cases whose clause has another verdict or observed name on another fixture */
  differs?: number[];
  /** case index → the page's text of the clause a property's finding broke */
  pageText?: Record<string, string>;
  /** case index → what the clause is, where the case is written and the one line that runs it again */
  where?: Record<string, { source?: string; rerun: string; label?: string }>;
}

export function reportClient(): void {
  const d = document;
  const dataEl = d.getElementById('report-data');
  if (!dataEl) return;
  const data = JSON.parse(dataEl.textContent || '{}') as ClientData;
  const cases: CaseResult[] = data.result?.cases || [];
  const accepted = data.accepted || {};
  const implementations = data.result?.environment?.implementations || [];
  const VERDICTS = data.verdicts || [];
  const differs = new Set(data.differs || []);
  const pageText = data.pageText || {};
  const where = data.where || {};
  const SYMBOL: Record<string, string> = { pass: '\u2713', diverge: '\u2717', skip: '\u2013', error: '!' };

  const hay: string[] = cases.map((c) => {
    const o = c.observed;
    const parts: unknown[] = [
      c.id,
      c.clauseId,
      c.page,
      c.function,
      c.clause,
      c.clauseText,
      c.kind,
      c.fixture,
      c.implementation,
      c.verdict,
      c.reason,
      c.note,
      (c.permitted || []).join(' '),
      c.replay,
      c.path,
      o?.name,
      o?.at,
      o?.message,
      o && String(o.code),
    ];
    if (o?.details) for (const k of Object.keys(o.details)) parts.push(`${k}=${String(o.details[k])}`);
    return parts
      .filter((p) => p !== undefined && p !== null && p !== '')
      .join('\n')
      .toLowerCase();
  });

  const boxes = Array.from(d.querySelectorAll<HTMLInputElement>('#filters input[name="verdict"]'));
  const fixSel = d.getElementById('f-fixture') as HTMLSelectElement | null;
  const implSel = d.getElementById('f-impl') as HTMLSelectElement | null;
  const qIn = d.getElementById('f-q') as HTMLInputElement | null;
  const diffIn = d.getElementById('f-differs') as HTMLInputElement | null;
  const status = d.getElementById('f-status');
  const dialog = d.getElementById('case-dialog') as HTMLDialogElement | null;
  const dialogBody = d.getElementById('case-body');
  const dialogTitle = d.getElementById('case-title');
  let opener: HTMLElement | null = null;
  let openIndex = -1;

  interface FilterState {
    v: string[];
    f: string;
    i: string;
    q: string;
    /** only cases that differ between fixtures */
    x: boolean;
  }

  function current(): FilterState {
    return {
      v: boxes.filter((b) => b.checked).map((b) => b.value),
      f: fixSel ? fixSel.value : '',
      i: implSel ? implSel.value : '',
      q: qIn ? qIn.value.trim() : '',
      x: !!diffIn?.checked,
    };
  }

  /** every filter but the verdicts and (when `x` is false) the differs box: the counts next to them follow the rest */
  function matchesBut(i: number, s: FilterState): boolean {
    const c = cases[i];
    if (!c) return false;
    if (s.x && !differs.has(i)) return false;
    if (s.f && c.fixture !== s.f) return false;
    if (s.i && c.implementation !== s.i) return false;
    if (s.q) {
      const h = hay[i] || '';
      const terms = s.q.toLowerCase().split(/\s+/);
      for (const t of terms) if (t && h.indexOf(t) < 0) return false;
    }
    return true;
  }

  function matches(i: number, s: FilterState): boolean {
    const c = cases[i];
    return !!c && s.v.indexOf(c.verdict) >= 0 && matchesBut(i, s);
  }

  function hashFor(s: FilterState): string {
    const p = new URLSearchParams();
    if (s.v.length !== VERDICTS.length) p.set('verdict', s.v.join(','));
    if (s.f) p.set('fixture', s.f);
    if (s.i) p.set('impl', s.i);
    if (s.q) p.set('q', s.q);
    if (s.x) p.set('differs', '1');
    const open = cases[openIndex];
    if (open) p.set('case', open.id);
    return p.toString();
  }

  function writeHash(): void {
    const h = hashFor(current());
    const now = location.hash.replace(/^#/, '');
    if (h === now) return;
    const url = h ? `#${h}` : location.href.split('#')[0] || '';
    try {
      history.replaceState(null, '', url);
    } catch {
      location.hash = h;
    }
  }

  function readHash(): void {
    const p = new URLSearchParams(location.hash.replace(/^#/, ''));
    const v = p.get('verdict');
    const wanted = v === null ? VERDICTS : v.split(',');
    for (const b of boxes) b.checked = wanted.indexOf(b.value) >= 0;
    const setSelect = (sel: HTMLSelectElement | null, value: string | null): void => {
      if (!sel) return;
      sel.value = value || '';
      if (sel.selectedIndex < 0) sel.value = '';
    };
    setSelect(fixSel, p.get('fixture'));
    setSelect(implSel, p.get('impl'));
    if (qIn) qIn.value = p.get('q') || '';
    if (diffIn) diffIn.checked = p.get('differs') === '1';
    const id = p.get('case');
    let idx = -1;
    if (id) for (let i = 0; i < cases.length; i++) if (cases[i]!.id === id) idx = i;
    if (idx >= 0) {
      if (idx !== openIndex) openCase(idx, null);
    } else if (dialog?.open) {
      dialog.close();
    }
  }

  function apply(): void {
    const s = current();
    const vis = cases.map((_, i) => matches(i, s));
    let shown = 0;
    for (const v of vis) if (v) shown++;
    d.querySelectorAll<HTMLElement>('[data-case]').forEach((el) => {
      el.hidden = !vis[Number(el.dataset.case)];
    });
    d.querySelectorAll<HTMLElement>('[data-cases]').forEach((el) => {
      const list = (el.dataset.cases || '').split(' ');
      let any = false;
      for (const t of list) if (t !== '' && vis[Number(t)]) any = true;
      el.hidden = !any;
    });
    d.querySelectorAll<HTMLElement>('[data-empty-for]').forEach((el) => {
      const target = d.getElementById(el.dataset.emptyFor || '');
      el.hidden = !target || target.querySelector('[data-case]:not([hidden]), [data-cases]:not([hidden])') !== null;
    });
    // the counts beside the filters, and in the headings, follow the other filters
    const perVerdict: Record<string, number> = {};
    let differing = 0;
    let divergent = 0;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      if (matchesBut(i, s)) perVerdict[c.verdict] = (perVerdict[c.verdict] || 0) + 1;
      if (differs.has(i) && matchesBut(i, { ...s, x: false }) && s.v.indexOf(c.verdict) >= 0) differing++;
      if (vis[i] && c.verdict === 'diverge') divergent++;
    }
    d.querySelectorAll<HTMLElement>('[data-count-verdict]').forEach((el) => {
      el.textContent = String(perVerdict[el.dataset.countVerdict || ''] || 0);
    });
    const setText = (id: string, v: number): void => {
      const el = d.getElementById(id);
      if (el) el.textContent = String(v);
    };
    setText('n-differs', differing);
    setText('n-divcases', divergent);
    setText('n-findings', d.querySelectorAll('#div-table tr.finding:not([hidden])').length);
    if (status) {
      status.textContent = shown === cases.length ? `Showing all ${cases.length} cases.` : `Showing ${shown} of ${cases.length} cases.`;
    }
    writeHash();
  }

  function h(tag: string, attrs: Record<string, string> | null, ...kids: (Node | string | null | undefined | false)[]): HTMLElement {
    const e = d.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k] || '');
    for (const k of kids) if (k !== null && k !== undefined && k !== false) e.append(k);
    return e;
  }

  function badge(verdict: string): HTMLElement {
    return h('span', { class: `verdict v-${verdict}` }, h('span', { 'aria-hidden': 'true' }, `${SYMBOL[verdict] || '?'} `), verdict);
  }

  function section(title: string, ...kids: (Node | string | null | undefined | false)[]): HTMLElement {
    return h('section', { class: 'case-part' }, h('h3', null, title), ...kids);
  }

  function renderCase(c: CaseResult, i: number): HTMLElement {
    const impl = implementations.filter((x) => x.name === c.implementation)[0];
    const root = h('div', null);
    root.append(
      h(
        'p',
        { class: 'case-meta' },
        badge(c.verdict),
        ' ',
        h('span', null, c.implementation + (impl?.version ? ` ${impl.version}` : '')),
        ' on fixture ',
        h('strong', null, c.fixture),
      ),
    );
    const w = where[String(i)];
    const text = pageText[String(i)];
    root.append(
      section(
        'What the page says',
        h('p', { class: 'small' }, c.page, ' \u2014 ', h('code', null, `${c.function}()`), ' \u2014 ', w?.label || c.kind),
        h('blockquote', { class: 'clause-text' }, text || c.clauseText || '(no clause text)'),
        text ? h('p', { class: 'small model-text' }, `The property's model: ${c.clauseText}`) : null,
      ),
    );
    const permitted = c.permitted || [];
    root.append(
      section(
        'Permitted outcomes',
        permitted.length
          ? h('ul', { class: 'names' }, ...permitted.map((p) => h('li', null, h('code', null, p))))
          : h('p', null, 'The page lists none for this situation.'),
      ),
    );
    const o = c.observed;
    if (o) {
      const dl = h('dl', { class: 'kv' });
      dl.append(h('dt', null, 'Returned'), h('dd', null, h('code', { class: 'observed-name' }, o.name), ` (${String(o.code)})`));
      dl.append(h('dt', null, 'Call'), h('dd', null, h('code', null, o.at || '')));
      dl.append(h('dt', null, 'Message'), h('dd', { class: 'observed-message' }, o.message ? o.message : '\u2014'));
      const details = o.details || {};
      const keys = Object.keys(details);
      const parts: (Node | string)[] = [dl];
      if (keys.length) {
        const tb = h('tbody', null);
        for (const k of keys) tb.append(h('tr', null, h('th', { scope: 'row' }, k), h('td', null, h('code', null, String(details[k])))));
        parts.push(h('table', { class: 'details' }, h('caption', null, 'Details observed'), tb));
      }
      root.append(section('Observed', ...parts));
    } else {
      root.append(section('Observed', h('p', null, 'Nothing: the case did not reach the call.')));
    }
    if (c.reason) {
      const label =
        c.verdict === 'skip'
          ? 'Why skipped'
          : c.verdict === 'diverge'
            ? 'Why it diverges'
            : c.verdict === 'error'
              ? 'Harness error'
              : 'Reason';
      root.append(section(label, h('p', { class: 'reason' }, c.reason)));
    }
    // how the clause was provoked (an injected errno is not a natural one), or what a skip considered
    if (c.technique)
      root.append(
        section(
          c.verdict === 'skip' ? 'Technique considered' : 'Provoked by',
          h('p', null, h('code', { class: 'tag technique' }, c.technique)),
        ),
      );
    if (c.note) root.append(section('Note', h('p', { class: 'note' }, c.note)));
    const acc = accepted[String(i)];
    if (acc !== undefined) root.append(section('Accepted in the baseline', h('p', null, acc || '(no note)')));
    if (c.seed !== undefined || c.path !== undefined || c.replay) {
      const dl = h('dl', { class: 'kv' });
      if (c.seed !== undefined) dl.append(h('dt', null, 'Seed'), h('dd', null, h('code', null, String(c.seed))));
      if (c.path !== undefined) dl.append(h('dt', null, 'Path'), h('dd', null, h('code', null, c.path)));
      const kids: (Node | string)[] = [dl];
      if (c.replay) {
        kids.push(
          h(
            'div',
            { class: 'replay' },
            h('pre', null, h('code', { id: 'dialog-replay' }, c.replay)),
            h('button', { type: 'button', class: 'copy', 'data-copy-target': 'dialog-replay' }, 'Copy replay command'),
            h('span', { class: 'copy-status', role: 'status' }),
          ),
        );
      }
      root.append(section('Property case', ...kids));
    }
    if (w) {
      const kids: (Node | string)[] = [];
      if (w.source) kids.push(h('p', null, 'Written in ', h('code', { class: 'source' }, w.source)));
      kids.push(
        h(
          'div',
          { class: 'replay' },
          h('pre', null, h('code', { id: 'dialog-rerun' }, w.rerun)),
          h('button', { type: 'button', class: 'copy', 'data-copy-target': 'dialog-rerun' }, 'Copy rerun command'),
          h('span', { class: 'copy-status', role: 'status' }),
        ),
      );
      root.append(section('Run it again', ...kids));
    }
    const ms = Number(c.durationMs);
    const took = !Number.isFinite(ms) ? '' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
    root.append(
      h('p', { class: 'small case-id' }, 'Case ', h('code', null, c.id), ' \u00b7 took ', h('span', { class: 'duration' }, took)),
    );
    return root;
  }

  function openCase(i: number, from: HTMLElement | null): void {
    const c = cases[i];
    if (!c || !dialog || !dialogBody) return;
    openIndex = i;
    opener = from;
    if (dialogTitle) dialogTitle.textContent = `${c.clause} \u2014 ${c.function}()`;
    dialogBody.replaceChildren(renderCase(c, i));
    if (!dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    writeHash();
  }

  async function copy(btn: HTMLElement): Promise<void> {
    const target = d.getElementById(btn.getAttribute('data-copy-target') || '');
    if (!target) return;
    const text = target.textContent || '';
    const note = btn.nextElementSibling?.classList.contains('copy-status') ? btn.nextElementSibling : null;
    let ok = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (ok) {
      btn.setAttribute('data-copied', 'clipboard');
      if (note) note.textContent = 'Copied.';
      return;
    }
    // Fallback: select the text so the reader can press Ctrl+C; try the old API too.
    const sel = window.getSelection();
    if (sel) {
      const range = d.createRange();
      range.selectNodeContents(target);
      sel.removeAllRanges();
      sel.addRange(range);
    }
    let legacy = false;
    try {
      legacy = d.execCommand('copy');
    } catch {
      legacy = false;
    }
    btn.setAttribute('data-copied', legacy ? 'execCommand' : 'selection');
    if (note) note.textContent = legacy ? 'Copied.' : 'Selected: press Ctrl+C to copy.';
  }

  d.addEventListener('click', (ev) => {
    const t = ev.target as Element | null;
    if (!t?.closest) return;
    const openBtn = t.closest<HTMLElement>('.open-case');
    if (openBtn) {
      const i = Number(openBtn.getAttribute('data-open'));
      if (Number.isInteger(i)) openCase(i, openBtn);
      return;
    }
    const copyBtn = t.closest<HTMLElement>('button.copy');
    if (copyBtn) {
      void copy(copyBtn);
      return;
    }
    const only = t.closest<HTMLElement>('button.only');
    if (only) {
      const v = only.getAttribute('data-verdict');
      for (const b of boxes) b.checked = b.value === v;
      apply();
      return;
    }
    if (t.closest('#f-reset')) {
      for (const b of boxes) b.checked = true;
      if (fixSel) fixSel.value = '';
      if (implSel) implSel.value = '';
      if (qIn) qIn.value = '';
      if (diffIn) diffIn.checked = false;
      apply();
      return;
    }
    if (t.closest('#case-close') && dialog) {
      dialog.close();
      return;
    }
    if (dialog && t === dialog) {
      // a click on the backdrop
      const r = dialog.getBoundingClientRect();
      const me = ev as MouseEvent;
      if (me.clientX < r.left || me.clientX > r.right || me.clientY < r.top || me.clientY > r.bottom) dialog.close();
    }
  });

  if (dialog) {
    dialog.addEventListener('close', () => {
      openIndex = -1;
      writeHash();
      if (opener && d.contains(opener)) opener.focus();
      opener = null;
    });
  }

  for (const b of boxes) b.addEventListener('change', apply);
  if (fixSel) fixSel.addEventListener('change', apply);
  if (implSel) implSel.addEventListener('change', apply);
  if (qIn) qIn.addEventListener('input', apply);
  if (diffIn) diffIn.addEventListener('change', apply);
  const form = d.getElementById('filter-form');
  if (form) form.addEventListener('submit', (ev) => ev.preventDefault());
  window.addEventListener('hashchange', () => {
    readHash();
    apply();
  });

  d.documentElement.classList.add('js');
  readHash();
  apply();
}

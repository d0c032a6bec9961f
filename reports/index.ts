/** The report writers. Each reads a RunResult and nothing else. */
export { renderHtml, writeHtml, jsonForScript, type HtmlOptions } from './html.js';
export { renderJunit, writeJunit, type JunitOptions } from './junit.js';
export {
  BASELINE_SCHEMA,
  TODO_NOTE,
  compareWithBaseline,
  emptyBaseline,
  entryMatches,
  formatComparison,
  gateExitCode,
  loadBaseline,
  parseBaseline,
  serialiseBaseline,
  updateBaseline,
  writeBaseline,
  type Baseline,
  type BaselineComparison,
  type BaselineEntry,
  type AcceptedDivergence,
} from './baseline.js';
export { escapeHtml, escapeXml } from './common.js';
export { renderJson, writeJson } from './json.js';

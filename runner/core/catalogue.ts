/** A documented clause: one ERRORS entry, RETURN VALUE sentence or statement of a page. */
export interface Clause {
  /** stable id: "<page>@<version>/<function>/<name>#<n>" */
  id: string;
  /** page name without section, e.g. "pmem2_map_new" */
  page: string;
  section: string;
  /** which copy of the page: "seed-txt", "seed-md", "man-1.12.1", ... */
  version: string;
  /** where the copy was read, relative to the project root or absolute */
  source: string;
  function: string;
  /** the documented name as the page writes it: PMEM2_E_MAP_RANGE, -EACCES, "errors of munmap(2)", "RETURN VALUE" */
  name: string;
  /** 1-based position among clauses of the same function and name in this page copy */
  ordinal: number;
  kind: 'error' | 'passthrough' | 'inherits' | 'return' | 'statement' | 'behaviour' | 'unlisted';
  text: string;
  /** 'freebsd': under an "On FreeBSD:" group; the runner does not skip it, the suite does */
  platform: 'any' | 'linux' | 'windows' | 'freebsd';
  /** "When SDS feature is set ...": the condition a group of bullets is under */
  group?: string;
  /** for passthroughs and inherited errors: the underlying function named */
  via?: string;
}

export interface PageGap {
  page: string;
  version: string;
  what: string;
}

export interface Catalogue {
  schema: 'pmem-conform-catalogue/1';
  clauses: Clause[];
  /** what the pages leave out or could not be read (an empty ERRORS list, unparsed sentences) */
  gaps: PageGap[];
}

export type PageFormat = 'txt' | 'md' | 'roff';

export interface PageSource {
  page: string;
  section: string;
  version: string;
  /** path; "${shared}" is the shared/ folder beside the project, "${man}" the installed man pages */
  file: string;
  format: PageFormat;
}

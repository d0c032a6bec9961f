/**
 * How a case's situation was provoked, one field of the result model
 * (CaseResult.technique) that every reporter prints as it is. A case that
 * ran names what provoked its clause: 'natural' (the fixture or the
 * arguments alone), or an injection in a forked child:
 *
 *   seccomp:SYSCALL=ERRNO   a seccomp filter made that system call fail
 *   mountns:WHAT            a private mount namespace changed what the library reads
 *   rlimit:AS|MEMLOCK|CPU   a resource limit
 *   heap:exhausted          every malloc fails (the address space limited, the heap filled)
 *   stale-map               a struct the library no longer knows (a copy of a deleted map)
 *   fd:swapped              the source's descriptor number re-opened on another file
 *
 * A skip names the technique that was considered, and its reason says why
 * it cannot apply: one of the above, or
 *
 *   platform:Windows|FreeBSD|OS   the clause is about another operating system
 *   fixture:KIND                  another fixture provides it (devdax, write-back, files, ...)
 *   build:missing-function        the build under test does not export a function
 *   precondition                  a step before the call did not give what the clause is about
 *   addon:CALL                    the binding cannot make that call (e.g. a NULL path)
 */

export const NATURAL = 'natural';

const FAMILIES: readonly RegExp[] = [
  /^natural$/,
  /^seccomp:[a-z0-9_]+=E[A-Z0-9]+$/,
  /^mountns:[a-z0-9-]+$/,
  /^rlimit:(AS|MEMLOCK|CPU)(\+[a-z]+)?$/,
  /^heap:exhausted$/,
  /^stale-map$/,
  /^fd:[a-z-]+$/,
  /^platform:(Windows|FreeBSD|OS)$/,
  /^fixture:[a-z0-9-]+$/,
  /^build:missing-function$/,
  /^precondition$/,
  /^addon:[a-z0-9-]+$/,
];

/** isTechnique -- is `t` of one of the forms above? */
export function isTechnique(t: string | undefined): boolean {
  return t !== undefined && FAMILIES.some((re) => re.test(t));
}

/** platformTechnique -- the technique of a verdict.ts platformSkip reason ("Windows only" -> "platform:Windows") */
export function platformTechnique(reason: string): string {
  if (/^Windows/.test(reason)) return 'platform:Windows';
  if (/^FreeBSD/.test(reason)) return 'platform:FreeBSD';
  return 'platform:OS';
}

/** seccomp -- the technique name of a seccomp filter failing `syscall` with `errno` ("EINVAL") */
export function seccomp(syscall: string, errno: string): string {
  return `seccomp:${syscall}=${errno}`;
}

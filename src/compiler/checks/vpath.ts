// Virtual paths, compared lexically by whole segments: "/out" contains "/out/x" but not "/out-evil".

/** Why path is not an absolute, normalised virtual path; undefined when it is one. Scans without splitting: it runs on every literal path. */
export function pathProblem(path: string): string | undefined {
  if (path.charCodeAt(0) !== 47) return 'is not absolute';
  if (path.length === 1) return undefined;
  if (path.charCodeAt(path.length - 1) === 47) return 'ends with "/"';
  for (let start = 1; start <= path.length; ) {
    const slash = path.indexOf('/', start);
    const end = slash < 0 ? path.length : slash;
    const length = end - start;
    if (length === 0) return 'has an empty segment';
    if (length <= 2 && path.charCodeAt(start) === 46 && path.charCodeAt(end - 1) === 46) return `has a "${length === 1 ? '.' : '..'}" segment`;
    start = end + 1;
  }
  return undefined;
}

/** Whether path equals dir or lies below it. Both must be normalised. */
export function isInside(path: string, dir: string): boolean {
  return dir === '/' || path === dir || (path.startsWith(dir) && path.charCodeAt(dir.length) === 47);
}

/** Whether path lies in one of dirs: a scan of a few dirs, else a lookup of each of path's ancestors. */
export function insideAny(path: string, dirs: ReadonlySet<string>): boolean {
  if (dirs.size <= 8) {
    for (const dir of dirs) if (isInside(path, dir)) return true;
    return false;
  }
  if (dirs.has('/')) return true;
  for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) {
    if (dirs.has(path.slice(0, end))) return true;
  }
  return false;
}

/** Why a mount source (a folder relative to the workflow) is not portable; undefined when fine. */
export function sourceProblem(source: string): string | undefined {
  if (source.startsWith('/') || /^[A-Za-z]:[\\/]/.test(source)) return 'is absolute; sources are relative to the workflow';
  if (source.split(/[\\/]/).includes('..')) return 'has a ".." segment';
  return undefined;
}

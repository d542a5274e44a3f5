// The Explorer's view of Kbuild's intermediates: the files.exclude globs ring0.explorer.hideKbuildFiles
// adds, and the merge that adds or removes only those. Free of the vscode API for unit tests.

export const KBUILD_EXCLUDES: readonly string[] = ['**/.*.cmd', '**/*.mod.c', '**/*.o', '**/*.mod', '**/modules.order', '**/Module.symvers'];

export type Excludes = Record<string, boolean | { when: string }>;

/**
 * files.exclude with Kbuild's globs added (hide) or taken out (show). A glob the user set themselves
 * to something else (false, a `when` clause) is left as it is. Undefined when nothing changes.
 */
export function withKbuildExcludes(current: Excludes | undefined, hide: boolean): Excludes | undefined {
  const next: Excludes = { ...(current ?? {}) };
  let changed = false;
  for (const glob of KBUILD_EXCLUDES) {
    if (hide && !(glob in next)) {
      next[glob] = true;
      changed = true;
    } else if (!hide && next[glob] === true) {
      delete next[glob];
      changed = true;
    }
  }
  return changed ? next : undefined;
}

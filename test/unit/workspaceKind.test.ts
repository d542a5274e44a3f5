// Which folders are Ring0 workspaces (extension/workspaceKind.ts), and the files.exclude merge of
// ring0.explorer.hideKbuildFiles (extension/kbuildFiles.ts), on real temp directories.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isModuleMakefile, kernelWorkspaceReason } from '../../extension/workspaceKind';
import { KBUILD_EXCLUDES, withKbuildExcludes } from '../../extension/kbuildFiles';

const base = mkdtempSync(path.join(tmpdir(), 'ring0-wskind-'));
after(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
function folder(files: Record<string, string>): string {
  const root = path.join(base, String(n++));
  mkdirSync(root, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('kernelWorkspaceReason', () => {
  it('says no for a plain folder, a C project with an ordinary Makefile and an empty folder', () => {
    assert.equal(kernelWorkspaceReason(folder({})), undefined);
    assert.equal(kernelWorkspaceReason(folder({ 'README.md': '# hi\n', 'src/main.c': 'int main(void){return 0;}\n', 'Makefile': 'all:\n\tcc -o main src/main.c\n' })), undefined);
  });

  it('knows each sign of a Ring0 workspace', () => {
    assert.equal(kernelWorkspaceReason(folder({ '.ring0/vm.json': '{}' })), '.ring0');
    assert.equal(kernelWorkspaceReason(folder({ 'drivers/foo/Makefile': 'obj-m += foo.o\n' })), 'drivers/foo/Makefile has obj-m');
    assert.equal(kernelWorkspaceReason(folder({ 'mod/Kbuild': 'obj-y := a.o\n' })), 'mod/Kbuild');
    assert.equal(kernelWorkspaceReason(folder({ 'bpf/x.bpf.c': '' })), 'bpf/x.bpf.c');
    assert.equal(kernelWorkspaceReason(folder({ 'tools/opens.bt': '' })), 'tools/opens.bt');
    assert.equal(kernelWorkspaceReason(folder({ 'labs/module-hello/STEPS.md': '# steps\n' })), 'labs/*/STEPS.md');
    assert.equal(kernelWorkspaceReason(folder({ Kconfig: '', Kbuild: '', 'arch/x86/Kconfig': '', 'include/linux/init.h': '' })), 'a kernel source tree');
  });

  it('finds the sample workspace a Ring0 workspace', () => {
    assert.ok(kernelWorkspaceReason(path.resolve(__dirname, '..', '..', '..', 'samples', 'workspace')));
  });

  it('skips node_modules and stops at its depth and entry budget', () => {
    assert.equal(kernelWorkspaceReason(folder({ 'node_modules/pkg/x.bpf.c': '' })), undefined);
    assert.equal(kernelWorkspaceReason(folder({ 'a/b/c/d/e/x.bpf.c': '' })), undefined);
    const many: Record<string, string> = {};
    for (let i = 0; i < 50; i++) many[`f${String(i).padStart(2, '0')}.txt`] = '';
    many['zz/x.bpf.c'] = '';
    assert.equal(kernelWorkspaceReason(folder(many), 4, 20), undefined);
  });

  it('reads obj-m in its forms, not in comments or other variables', () => {
    const f = (text: string) => isModuleMakefile(path.join(folder({ Makefile: text }), 'Makefile'));
    assert.equal(f('obj-m := a.o\n'), true);
    assert.equal(f('  obj-m+=a.o\n'), true);
    assert.equal(f('# obj-m is for modules\nall:\n'), false);
    assert.equal(f('lib-obj-m = 1\n'), false);
  });
});

describe('withKbuildExcludes', () => {
  it('adds every Kbuild glob when on and takes exactly those out when off', () => {
    const on = withKbuildExcludes({ '**/.git': true }, true);
    assert.ok(on);
    for (const g of KBUILD_EXCLUDES) assert.equal(on[g], true, g);
    assert.equal(on['**/.git'], true);
    assert.deepEqual(withKbuildExcludes(on, false), { '**/.git': true });
  });

  it('covers the intermediates the issue names', () => {
    for (const g of ['**/.*.cmd', '**/*.mod.c', '**/*.o', '**/modules.order', '**/Module.symvers', '**/*.mod']) assert.ok(KBUILD_EXCLUDES.includes(g), g);
  });

  it('leaves a glob the user set themselves, and says when nothing changes', () => {
    const mine = { '**/*.o': false, '**/*.mod': { when: '$(basename).c' } };
    const on = withKbuildExcludes(mine, true);
    assert.ok(on);
    assert.equal(on['**/*.o'], false);
    assert.deepEqual(on['**/*.mod'], { when: '$(basename).c' });
    assert.deepEqual(withKbuildExcludes(on, false), mine);
    assert.equal(withKbuildExcludes(on, true), undefined);
    assert.equal(withKbuildExcludes(undefined, false), undefined);
  });
});

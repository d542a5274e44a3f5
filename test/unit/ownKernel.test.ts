// Pure parts of "your own kernel": .config parsing and merging, Kconfig expressions and entries, tree
// recognition, Kbuild progress lines, settings defaults.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { countBuiltIn, droppedOptions, fragmentErrors, mergeConfig, parseConfig, requestedOptions } from '../../kernel/kernels/dotConfig';
import { annotate, evaluate, parseExpr } from '../../kernel/kernels/kconfigExpr';
import { entriesIn, explainDrop } from '../../kernel/kernels/kconfigExplain';
import { isKernelTree, parseMakefileVersion, recognizeTree } from '../../kernel/kernels/tree';
import { parseKbuildStep, lineSplitter } from '../../kernel/kernels/kbuildOutput';
import { AGENT_REQUIRED, QEMU_FRAGMENT, profileFragment } from '../../kernel/kernels/fragments';
import { missingAgentOptions, pathWithCcache } from '../../kernel/kernels/build';
import { coerceKernelSettings, defaultBuildDir } from '../../kernel/kernels/settings';

describe('.config', () => {
  it('parses set, unset and string values', () => {
    const v = parseConfig('CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C="x y"\nCONFIG_D=0x10\n# comment\n');
    assert.deepEqual([...v], [['A', 'y'], ['B', 'n'], ['C', '"x y"'], ['D', '0x10']]);
  });
  it('merges fragments like merge_config.sh: old lines removed, new ones appended, later wins', () => {
    const base = 'CONFIG_UNWINDER_ORC=n\n# CONFIG_UNWINDER_FRAME_POINTER is not set\nCONFIG_UNWINDER_GUESS=y\nCONFIG_X=y\n';
    const out = mergeConfig(base, ['CONFIG_UNWINDER_FRAME_POINTER=y\nCONFIG_X=m\n', '# CONFIG_X is not set\n']);
    assert.equal(out, 'CONFIG_UNWINDER_ORC=n\nCONFIG_UNWINDER_GUESS=y\nCONFIG_UNWINDER_FRAME_POINTER=y\n# CONFIG_X is not set\n');
  });
  it('reports a requested option Kconfig dropped, with the fragment that asked', () => {
    const req = requestedOptions([{ from: 'ring0', text: 'CONFIG_A=y\nCONFIG_B=y\n' }, { from: 'me.config', text: 'CONFIG_B=m\n# CONFIG_C is not set\n' }]);
    const final = parseConfig('CONFIG_A=y\nCONFIG_B=y\n');
    assert.deepEqual(droppedOptions(req, final), [{ option: 'B', wanted: 'm', from: 'me.config', got: 'y' }]);
    assert.equal(countBuiltIn(final), 2);
  });
  it('rejects lines of a user fragment that are not Kconfig', () => {
    assert.deepEqual(fragmentErrors('CONFIG_A=y\n# c\n\nKASAN=y\n'), [{ line: 4, text: 'KASAN=y' }]);
  });
  it("Ring0's fragment turns on what the agent needs, which tinyconfig turns off", () => {
    const v = parseConfig(QEMU_FRAGMENT);
    for (const o of AGENT_REQUIRED) assert.equal(v.get(o), 'y', o);
    assert.equal(parseConfig(profileFragment('debug')).get('KASAN'), 'y');
    assert.equal(parseConfig(profileFragment('bpf')).get('BPF_LSM'), 'y');
    assert.equal(profileFragment('minimal'), '');
    assert.deepEqual(missingAgentOptions(QEMU_FRAGMENT), []);
    assert.ok(missingAgentOptions(QEMU_FRAGMENT.replace('CONFIG_SIGNALFD=y', '# CONFIG_SIGNALFD is not set')).includes('SIGNALFD'));
  });
});

describe('Kconfig expressions', () => {
  const v = parseConfig('CONFIG_SLUB=y\nCONFIG_SYSFS=y\nCONFIG_M=m\nCONFIG_S="abc"\nCONFIG_N=32\n');
  it('evaluates tristate logic, comparisons and constants', () => {
    assert.equal(evaluate(parseExpr('SLUB && SYSFS'), v), 2);
    assert.equal(evaluate(parseExpr('(SLUB && !SYSFS) || SLAB'), v), 0);
    assert.equal(evaluate(parseExpr('M'), v), 1);
    assert.equal(evaluate(parseExpr('M || y'), v), 2);
    assert.equal(evaluate(parseExpr('!M'), v), 1);
    assert.equal(evaluate(parseExpr('S = "abc"'), v), 2);
    assert.equal(evaluate(parseExpr('N >= 16 && N != 64'), v), 2);
    assert.equal(evaluate(parseExpr('MISSING = n'), v), 2);
  });
  it('annotates each symbol with its value', () => {
    assert.equal(annotate(parseExpr('(SLUB && SYSFS) || (SLAB && !DEBUG_SLAB)'), v), '(SLUB [y] && SYSFS [y]) || (SLAB [n] && !DEBUG_SLAB [n])');
  });
  it('throws on garbage instead of guessing', () => {
    assert.throws(() => parseExpr('A && (B'));
    assert.throws(() => parseExpr('A B'));
  });
});

describe('Kconfig entries', () => {
  const text = [
    'menu "Memory debugging"',
    '\tdepends on DEBUG_KERNEL',
    '',
    'if HAVE_ARCH_KASAN',
    'menuconfig KASAN',
    '\tbool "KASAN: dynamic memory safety error detector"',
    '\tdepends on (SLUB && SYSFS) || (SLAB && !DEBUG_SLAB)',
    '\thelp',
    '\t  Enables KASAN.',
    '\t  depends on NOT_A_REAL_LINE',
    '',
    'config KASAN_HIDDEN',
    '\tbool',
    'endif',
    'endmenu',
    'choice',
    '\tprompt "Unwinder"',
    'config UNWINDER_ORC',
    '\tbool "ORC"',
    'config UNWINDER_GUESS',
    '\tbool "guess"',
    'endchoice',
  ].join('\n');
  it('collects own and enclosing depends, ignoring help text', () => {
    const [e] = entriesIn(text, 'lib/Kconfig.kasan', 'KASAN');
    assert.deepEqual(e.depends, ['DEBUG_KERNEL', 'HAVE_ARCH_KASAN', '(SLUB && SYSFS) || (SLAB && !DEBUG_SLAB)']);
    assert.equal(e.line, 5);
    assert.equal(e.prompt, '');
  });
  it('explains a drop by the dependency that does not hold', () => {
    const v = parseConfig('CONFIG_DEBUG_KERNEL=y\nCONFIG_HAVE_ARCH_KASAN=y\nCONFIG_SLOB=y\nCONFIG_SYSFS=y\n');
    const why = explainDrop('KASAN', 'y', entriesIn(text, 'lib/Kconfig.kasan', 'KASAN'), v);
    assert.match(why, /depends on \(SLUB \[n\] && SYSFS \[y\]\) \|\| \(SLAB \[n\] && !DEBUG_SLAB \[n\]\) \(lib\/Kconfig.kasan:5\)/);
    assert.doesNotMatch(why, /DEBUG_KERNEL/);
  });
  it('explains prompt-less symbols, choices and unknown names', () => {
    const v = parseConfig('CONFIG_DEBUG_KERNEL=y\nCONFIG_HAVE_ARCH_KASAN=y\nCONFIG_UNWINDER_GUESS=y\n');
    assert.match(explainDrop('KASAN_HIDDEN', 'y', entriesIn(text, 'K', 'KASAN_HIDDEN'), v), /no prompt/);
    assert.match(explainDrop('UNWINDER_ORC', 'y', entriesIn(text, 'K', 'UNWINDER_ORC'), v), /choice where UNWINDER_GUESS/);
    assert.match(explainDrop('NO_SUCH', 'y', [], v), /no Kconfig entry defines NO_SUCH/);
  });
});

describe('kernel tree', () => {
  it('reads the version from the top Makefile', () => {
    assert.equal(parseMakefileVersion('# SPDX\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 192\nEXTRAVERSION =\nNAME = x\n'), '6.1.192');
    assert.equal(parseMakefileVersion('VERSION = 6\nPATCHLEVEL = 8\nSUBLEVEL = 0\nEXTRAVERSION = -rc3\n'), '6.8.0-rc3');
    assert.equal(parseMakefileVersion('all:\n\tcc x.c\n'), undefined);
  });
  it('says what is wrong: not a tree, another arch, a dirty in-tree build', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-tree-'));
    try {
      assert.throws(() => recognizeTree(dir), /is not a kernel tree/);
      assert.equal(isKernelTree(dir), false);
      writeFileSync(path.join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n');
      writeFileSync(path.join(dir, 'Kconfig'), 'mainmenu "x"\n');
      mkdirSync(path.join(dir, 'arch', 'arm64'), { recursive: true });
      assert.throws(() => recognizeTree(dir), /without arch\/x86/);
      mkdirSync(path.join(dir, 'arch', 'x86'));
      writeFileSync(path.join(dir, 'arch', 'x86', 'Kconfig'), '');
      assert.deepEqual(recognizeTree(dir), { dir, version: '6.1.0' });
      writeFileSync(path.join(dir, '.config'), 'CONFIG_A=y\n');
      assert.throws(() => recognizeTree(dir), /make -C .* mrproper/);
      assert.equal(isKernelTree(dir), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Kbuild output and settings', () => {
  it('parses quiet build lines into steps', () => {
    assert.deepEqual(parseKbuildStep('  CC      fs/open.o'), { action: 'CC', target: 'fs/open.o' });
    assert.deepEqual(parseKbuildStep('  CC [M]  drivers/x.o'), { action: 'CC [M]', target: 'drivers/x.o' });
    assert.equal(parseKbuildStep('fs/open.c:12:3: error: x'), undefined);
    assert.equal(parseKbuildStep('make[1]: Entering directory'), undefined);
  });
  it('splits chunks into lines', () => {
    const got: string[] = [];
    const feed = lineSplitter((l) => got.push(l));
    feed('  CC  a');
    feed('.o\n  LD b\n  A');
    assert.deepEqual(got, ['  CC  a.o', '  LD b']);
  });
  it('puts ccache first on PATH only when it is installed', () => {
    assert.equal(pathWithCcache('/usr/bin:/bin', '/nonexistent'), '/usr/bin:/bin');
  });
  it('validates settings and places the build outside the source', () => {
    const warns: string[] = [];
    assert.deepEqual(coerceKernelSettings({ 'ring0.kernel.profile': 'huge', 'ring0.kernel.source': 3 }, (m) => warns.push(m)), { source: '', buildDir: '', profile: 'minimal' });
    assert.equal(warns.length, 2);
    assert.equal(defaultBuildDir('/ws', 'debug', '/ws'), '/ws/.ring0/kernel/debug');
    assert.match(defaultBuildDir('/cache/linux-source-6.1', 'minimal', '/ws'), /kernels\/linux-source-6\.1-minimal$/);
  });
});

describe('agent restart loop (#18 item 12)', () => {
  it("parses the guest's give-up line with the agent's stderr", async () => {
    const { parseAgentGaveUp, gaveUpMessage } = await import('../../kernel/vm/agentGiveUp');
    const serial = [
      '[    1.2] Run /init as init process',
      'ring0-agent-stderr: ring0-agent: signalfd: Function not implemented',
      'ring0: agent exited with status 1; restarting',
      'ring0-agent-stderr: ring0-agent: signalfd: Function not implemented',
      'RING0-AGENT-GAVE-UP status=1 exits=3',
    ].join('\r\n');
    const g = parseAgentGaveUp(serial);
    assert.deepEqual(g, { status: 1, exits: 3, stderr: ['ring0-agent: signalfd: Function not implemented'] });
    const msg = gaveUpMessage(g!);
    assert.match(msg, /exited 3 times in a row/);
    assert.match(msg, /signalfd: Function not implemented/);
    assert.match(msg, /SIGNALFD/);
    assert.match(gaveUpMessage(g!, ['SIGNALFD', 'EVENTFD']), /CONFIG_SIGNALFD, CONFIG_EVENTFD/);
    assert.equal(parseAgentGaveUp('ring0: agent exited with status 1; restarting\n'), undefined);
  });
});

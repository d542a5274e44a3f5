// Build diagnostics from recorded gcc (Kbuild), clang (BPF), modpost and make output; compile_commands
// from a recorded .cmd file; the scaffolds' names.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { commandFromCmdFile, shellSplit, upsertCompileCommand, writeCompileCommands } from '../../kernel/build/compileCommands';
import { displayToCharColumn, parseCompilerOutput, parseKbuildOutput, toCharColumns, type SourceIndex } from '../../kernel/build/diagnostics';
import { explainInsmodFailure, loadWarnings } from '../../kernel/build/load';
import { bpfObjectPath } from '../../kernel/bpf/build';

const FIX = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'build');
const log = (n: string) => readFileSync(path.join(FIX, 'logs', n), 'utf8');
const BUILD = '/usr/src/linux-headers-6.1.0-56-cloud-amd64';

describe('gcc/Kbuild diagnostics', () => {
  const ctx = { userDir: '/tmp/r0s/mod2', searchDirs: [BUILD], exists: () => false };
  const ds = parseCompilerOutput(log('gcc-module.txt'), ctx);

  it('reads errors and warnings with absolute user paths, 1-based lines and columns', () => {
    assert.deepEqual(ds.find((d) => /missing_fn/.test(d.message)), {
      file: '/tmp/r0s/mod2/main.c', line: 8, column: 32, severity: 'error', message: 'implicit declaration of function ‘missing_fn’ [-Werror=implicit-function-declaration]',
    });
    assert.ok(ds.some((d) => d.file === '/tmp/r0s/mod2/main.c' && d.line === 7 && d.column === 19 && d.severity === 'warning'));
    assert.ok(ds.some((d) => d.file === '/tmp/r0s/mod2/main.c' && d.line === 6 && d.severity === 'warning' && /unused/.test(d.message)));
  });

  it('keeps an error in the user\'s own header on the header', () => {
    const h = ds.find((d) => d.file === '/tmp/r0s/mod2/util.h');
    assert.deepEqual(h && [h.line, h.column, h.severity], [3, 21, 'error']);
  });

  it('ignores make chatter, source excerpts and cc1 lines', () => {
    assert.ok(ds.every((d) => d.file.startsWith('/tmp/r0s/mod2/')), JSON.stringify(ds));
    assert.equal(ds.length, 5, JSON.stringify(ds, null, 1));
  });

  it('resolves relative paths against the kernel tree and moves kernel-header errors to the including user line', () => {
    const text = [
      'In file included from ./include/linux/kernel.h:5,',
      '                 from /m/x.c:3:',
      './include/linux/other.h:10:2: error: something broke',
      './include/linux/other.h:11:2: note: only a note',
    ].join('\n');
    const out = parseCompilerOutput(text, { userDir: '/m', searchDirs: ['/kb'], exists: (f) => f === '/kb/include/linux/other.h' });
    assert.deepEqual(out, [{ file: '/m/x.c', line: 3, column: 1, severity: 'error', message: 'something broke (in /kb/include/linux/other.h:10)' }, { file: '/m/x.c', line: 3, column: 1, severity: 'note', message: 'only a note (in /kb/include/linux/other.h:11)' }]);
  });

  it('reads clang\'s BPF errors', () => {
    const out = parseCompilerOutput(log('clang-bpf.txt'), { userDir: '/tmp/r0s/ws1', searchDirs: ['/tmp/r0s/ws1'], exists: () => false });
    assert.deepEqual(out.map((d) => [d.file, d.line, d.column, d.severity]), [['/tmp/r0s/ws1/broken.bpf.c', 9, 15, 'error'], ['/tmp/r0s/ws1/broken.bpf.c', 11, 10, 'error']]);
    assert.match(out[0].message, /no member named 'no_such_field'/);
  });

  it('turns gcc display columns (tabs to 8) into character columns', () => {
    assert.equal(displayToCharColumn('\treturn undefined_var;', 16), 9);
    assert.equal(displayToCharColumn('\treturn undefined_var;', 1), 1);
    assert.equal(displayToCharColumn('a\tb', 9), 3);
    assert.equal(displayToCharColumn('abc', 2), 2);
    assert.deepEqual(toCharColumns([{ file: '/m/a.c', line: 2, column: 16, severity: 'error', message: 'x' }], () => 'int x;\n\treturn undefined_var;\n'), [{ file: '/m/a.c', line: 2, column: 9, severity: 'error', message: 'x' }]);
  });

  it('survives garbage', () => {
    assert.deepEqual(parseCompilerOutput('\0\0::::\n:1:2: error:\nx:y:z: warning: w\n', ctx), []);
  });
});

describe('modpost and make diagnostics', () => {
  const src: SourceIndex = {
    files: new Map([['/tmp/r0s/mod/bad.c', 'extern int ring0_no_such_symbol(void);\n\nstatic int x(void)\n{\n\treturn ring0_no_such_symbol();\n}\nmodule_init(x);\n']]),
    makefile: '/tmp/r0s/mod/Makefile',
  };

  it('puts an undefined symbol on its first use (not the extern declaration)', () => {
    const ds = parseKbuildOutput(log('modpost.txt'), src);
    const u = ds.find((d) => /ring0_no_such_symbol/.test(d.message));
    assert.deepEqual(u && [u.file, u.line, u.column, u.severity], ['/tmp/r0s/mod/bad.c', 5, 9, 'error']);
  });

  it('puts a missing MODULE_LICENSE on module_init', () => {
    const ds = parseKbuildOutput(log('modpost.txt'), src);
    const l = ds.find((d) => /MODULE_LICENSE/.test(d.message));
    assert.deepEqual(l && [l.file, l.line, l.severity], ['/tmp/r0s/mod/bad.c', 7, 'error']);
  });

  it('reads a Makefile syntax error', () => {
    const ds = parseKbuildOutput(log('makefile-error.txt'), { files: new Map(), makefile: '/tmp/r0s/mod2/Makefile' });
    assert.deepEqual(ds, [{ file: '/tmp/r0s/mod2/Makefile', line: 2, column: 1, severity: 'error', message: 'missing separator' }]);
  });
});

describe('compile_commands.json', () => {
  it('splits Kbuild command lines like /bin/sh', () => {
    assert.deepEqual(shellSplit(`gcc -DKBUILD_BASENAME='"bad"' -D"X=a b" c\\ d  -c`), ['gcc', '-DKBUILD_BASENAME="bad"', '-DX=a b', 'c d', '-c']);
  });

  it('turns a .o.cmd into an entry without the gcc-only flags clangd rejects', () => {
    const cmd = `cmd_/m/a.o := gcc-12 -Wp,-MMD,/m/.a.o.d -nostdinc -I./include -mindirect-branch=thunk-extern -fconserve-stack -DKBUILD_MODNAME='"a"' -c -o /m/a.o /m/a.c   ; ./tools/objtool/objtool --module /m/a.o\n\nsource_/m/a.o := /m/a.c\n`;
    assert.deepEqual(commandFromCmdFile(cmd, '/kb', '/m'), { directory: '/kb', file: '/m/a.c', arguments: ['gcc-12', '-nostdinc', '-I./include', '-DKBUILD_MODNAME="a"', '-c', '-o', '/m/a.o', '/m/a.c'] });
    assert.equal(commandFromCmdFile(cmd, '/kb', '/elsewhere'), undefined);
  });
});

describe('compile_commands.json files', () => {
  it('merges module entries from .cmd files with BPF entries', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-cc-'));
    try {
      writeFileSync(path.join(dir, '.a.o.cmd'), `cmd_${dir}/a.o := gcc -c -o ${dir}/a.o ${dir}/a.c\n\nsource_${dir}/a.o := ${dir}/a.c\n`);
      writeFileSync(path.join(dir, '.a.mod.o.cmd'), `cmd_${dir}/a.mod.o := gcc -c -o ${dir}/a.mod.o ${dir}/a.mod.c\n\nsource_${dir}/a.mod.o := ${dir}/a.mod.c\n`);
      upsertCompileCommand(dir, { directory: dir, file: `${dir}/p.bpf.c`, arguments: ['clang', '-target', 'bpf'] });
      upsertCompileCommand(dir, { directory: dir, file: `${dir}/p.bpf.c`, arguments: ['clang', '-O2', '-target', 'bpf'] });
      writeCompileCommands(dir, '/kb');
      const cc = JSON.parse(readFileSync(path.join(dir, 'compile_commands.json'), 'utf8'));
      assert.deepEqual(cc.map((e: { file: string; arguments: string[] }) => [e.file, e.arguments.length]), [[`${dir}/a.c`, 5], [`${dir}/p.bpf.c`, 4]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('load messages', () => {
  it('explains unknown symbols, vermagic and init failures', () => {
    assert.match(explainInsmodFailure('m', 'insmod: ERROR: could not insert module m.ko: Unknown symbol in module\n', ['[ 1.0] m: Unknown symbol foo_bar (err -2)']), /foo_bar.*Unknown symbol in module/);
    assert.match(explainInsmodFailure('m', 'insmod: ERROR: could not insert module m.ko: Invalid module format\n', ["[ 1.0] m: version magic '6.1.0-9 SMP' should be '6.1.0-56-cloud-amd64 SMP'"]), /built for another kernel.*6\.1\.0-56-cloud-amd64/);
    assert.match(explainInsmodFailure('m', 'insmod: ERROR: could not insert module m.ko: No such device\n', []), /init function failed: No such device/);
    assert.match(explainInsmodFailure('m', 'insmod: ERROR: could not insert module m.ko: File exists\n', []), /already loaded/);
  });

  it('warns about a license that taints', () => {
    assert.match(loadWarnings('m', ["[ 2.0] m: module license 'unspecified' taints kernel."]).join(), /MODULE_LICENSE/);
    assert.deepEqual(loadWarnings('m', ['[ 2.0] m: loading out-of-tree module taints kernel.']), []);
  });

  it('names BPF objects X.bpf.o', () => {
    assert.equal(bpfObjectPath('/w/x.bpf.c'), '/w/x.bpf.o');
  });
});

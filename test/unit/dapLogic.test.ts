// Pure pieces of the kernel debug session: hit conditions, logpoint messages, frames, module symbols.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hitConditionMet, parseHitCondition, parseLogMessage } from '../../debug-adapter/session/hitCondition';
import { faultingFrameIndex, framePath, kernelRelative, stopReason, vcpuName } from '../../debug-adapter/session/frames';
import { parseInfoLine } from '../../debug-adapter/session/faultFrame';
import { addSymbolFileCommand, findModuleFile, parseAddress, parseCharArray } from '../../debug-adapter/session/moduleSymbols';

describe('hit conditions and logpoints', () => {
  it('parse the DAP forms and apply them to a hit count', () => {
    assert.deepEqual(parseHitCondition('5'), { op: '>=', n: 5 });
    assert.deepEqual(parseHitCondition(' % 3 '), { op: '%', n: 3 });
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((h) => hitConditionMet(parseHitCondition('%3'), h)), [false, false, true, false, false, true]);
    assert.deepEqual([1, 2, 3].map((h) => hitConditionMet(parseHitCondition('== 2'), h)), [false, true, false]);
    assert.deepEqual([1, 2, 3].map((h) => hitConditionMet(parseHitCondition('>1'), h)), [false, true, true]);
    assert.throws(() => parseHitCondition('often'), /not a hit condition/);
    assert.throws(() => parseHitCondition('%0'), /never/);
  });

  it('split logpoint messages into text and expressions', () => {
    assert.deepEqual(parseLogMessage('open {filename} flags={how->flags} {{literal}}'), [
      { text: 'open ' }, { expr: 'filename' }, { text: ' flags=' }, { expr: 'how->flags' }, { text: ' {literal}' },
    ]);
    assert.deepEqual(parseLogMessage('unclosed {x'), [{ text: 'unclosed {x' }]);
  });
});

describe('frames', () => {
  it('classify stop records', () => {
    assert.equal(stopReason({ reason: 'breakpoint-hit' }), 'breakpoint');
    assert.equal(stopReason({ reason: 'end-stepping-range' }), 'step');
    assert.equal(stopReason({ reason: 'signal-received', 'signal-name': 'SIGINT' }), 'pause');
    assert.equal(stopReason({ reason: 'exited-signalled' }), 'exited');
    assert.equal(stopReason({}), 'pause');
  });

  it('name vCPUs and rebase Debian build paths onto a source tree', () => {
    assert.equal(vcpuName('Thread 1.2 (CPU#1 [halted ])', 2), 'CPU 1');
    assert.equal(vcpuName('Thread 1.1', 1), 'CPU 0');
    assert.equal(vcpuName(undefined, 3), 'Thread 3');
    assert.equal(kernelRelative('/build/reproducible-path/linux-6.1.158/fs/open.c'), 'fs/open.c');
    assert.equal(kernelRelative('debian/build/build_amd64_none_cloud-amd64/include/linux/fs.h'), 'include/linux/fs.h');
    assert.equal(kernelRelative('/home/me/mod/hello.c'), undefined);
    assert.equal(framePath({ fullname: '/build/reproducible-path/linux-6.1.158/fs/open.c' }, '/usr/src/linux-source-6.1'), '/usr/src/linux-source-6.1/fs/open.c');
    assert.equal(framePath({ fullname: '/home/me/mod/hello.c' }, '/usr/src/linux-source-6.1'), '/home/me/mod/hello.c');
    assert.equal(framePath({ fullname: '/build/reproducible-path/linux-6.1.158/fs/open.c' }), '/build/reproducible-path/linux-6.1.158/fs/open.c');
  });

  it('read the faulting line from gdb\'s info line', () => {
    assert.deepEqual(parseInfoLine('Line 23 of "/w/oops_lab.c" starts at address 0xffffffffc0209050 <oops_lab_read+80> and ends at 0xffffffffc0209058 <oops_lab_read+88>.\n'), { line: 23, file: '/w/oops_lab.c', func: 'oops_lab_read' });
    assert.deepEqual(parseInfoLine('No line number information available for address 0xffffffff81000000 <_stext>\n'), { func: '_stext' });
    assert.equal(parseInfoLine('garbage'), undefined);
  });

  it('find the faulting frame below the oops machinery', () => {
    const f = ['oops_begin', 'page_fault_oops', 'exc_page_fault', 'asm_exc_page_fault', 'buggy_init', 'do_one_initcall'].map((func) => ({ func }));
    assert.equal(faultingFrameIndex(f), 4);
    assert.equal(faultingFrameIndex([{ func: 'panic' }, { func: 'mymod_write' }]), 1);
    assert.equal(faultingFrameIndex([{ func: 'do_sys_openat2' }]), 0);
  });
});

describe('module symbols', () => {
  it('parse gdb prints of names and addresses', () => {
    assert.equal(parseCharArray('"hello", \'\\000\' <repeats 50 times>'), 'hello');
    assert.equal(parseCharArray('"hello\\000\\000"'), 'hello');
    assert.equal(parseCharArray('0xff1100000530ed98 ".strtab"'), '.strtab');
    assert.equal(parseCharArray('0x0'), undefined);
    assert.equal(parseAddress('18446744072637906944'), 18446744072637906944n);
    assert.equal(parseAddress('(unsigned long) 0xffffffffc0000000 <hello_init>'), 0xffffffffc0000000n);
    assert.equal(parseAddress('<error>'), undefined);
  });

  it('build add-symbol-file with every section address', () => {
    const cmd = addSymbolFileCommand('/w/my mod/hello.ko', { name: 'hello', text: 0xffffffffc0002000n, sections: new Map([['.text', 0xffffffffc0002000n], ['.init.text', 0xffffffffc0006000n], ['.data', 0xffffffffc0004000n]]) });
    assert.equal(cmd, 'add-symbol-file "/w/my mod/hello.ko" 0xffffffffc0002000 -s .init.text 0xffffffffc0006000 -s .data 0xffffffffc0004000');
    const initOnly = addSymbolFileCommand('/w/hello.ko', { name: 'hello', text: 0xffffffffc0006000n, sections: new Map([['.init.text', 0xffffffffc0006000n]]) });
    assert.equal(initOnly, 'add-symbol-file "/w/hello.ko" -s .init.text 0xffffffffc0006000', 'no .text: no text address');
  });

  it('find the newest .ko of a module, treating - and _ alike', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-ko-'));
    try {
      mkdirSync(path.join(dir, 'a'));
      mkdirSync(path.join(dir, 'b'));
      mkdirSync(path.join(dir, 'node_modules'));
      writeFileSync(path.join(dir, 'a', 'my-mod.ko'), '');
      writeFileSync(path.join(dir, 'b', 'my_mod.ko'), '');
      writeFileSync(path.join(dir, 'node_modules', 'my_mod.ko'), '');
      utimesSync(path.join(dir, 'a', 'my-mod.ko'), new Date(1000), new Date(1000));
      assert.equal(findModuleFile('my_mod', [dir]), path.join(dir, 'b', 'my_mod.ko'));
      assert.equal(findModuleFile('other', [dir]), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

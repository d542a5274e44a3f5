// The gdb/MI parser on recorded gdb output and on garbage, and the command builders' quoting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMiLine, miList, miTuple, miString } from '../../debug-adapter/mi/parser';
import { breakInsert, miQuote, removeSymbolFile, substitutePath, varCreate } from '../../debug-adapter/mi/commands';

describe('MI parser', () => {
  it('parses a stop record recorded from gdb 13 on QEMU', () => {
    const r = parseMiLine('*stopped,reason="breakpoint-hit",disp="keep",bkptno="1",frame={addr="0xffffffff8131c2f0",func="do_sys_openat2",args=[{name="dfd",value="-100"},{name="filename",value="0x7ffc \\"/proc/version\\""}],file="fs/open.c",fullname="/build/reproducible-path/linux-6.1.158/fs/open.c",line="1310",arch="i386:x86-64"},thread-id="1",stopped-threads="all"');
    assert.equal(r.kind, 'exec');
    if (r.kind !== 'exec') return;
    assert.equal(r.cls, 'stopped');
    assert.equal(r.results.reason, 'breakpoint-hit');
    const frame = miTuple(r.results.frame)!;
    assert.equal(frame.func, 'do_sys_openat2');
    assert.equal(miString(miTuple(miList(frame.args)[1])!.value), '0x7ffc "/proc/version"');
  });

  it('parses tokens, result classes, lists of results and empty values', () => {
    const r = parseMiLine('12^done,stack=[frame={level="0",func="a"},frame={level="1",func="b"}],empty={},none=[]');
    assert.deepEqual(r, { kind: 'result', token: 12, cls: 'done', results: { stack: [{ level: '0', func: 'a' }, { level: '1', func: 'b' }], empty: {}, none: [] } });
    assert.deepEqual(parseMiLine('7^error,msg="No symbol \\"nosuch\\" in current context."'), { kind: 'result', token: 7, cls: 'error', results: { msg: 'No symbol "nosuch" in current context.' } });
  });

  it('keeps repeated keys of a tuple in order', () => {
    const r = parseMiLine('=x,t={frame="a",frame="b",frame="c"}');
    assert.ok(r.kind === 'notify');
    if (r.kind === 'notify') assert.deepEqual(miTuple(r.results.t)!.frame, ['a', 'b', 'c']);
  });

  it('decodes stream records with escapes, including octal UTF-8 bytes', () => {
    assert.deepEqual(parseMiLine('~"Reading symbols from vmlinux...\\n"'), { kind: 'console', text: 'Reading symbols from vmlinux...\n' });
    assert.deepEqual(parseMiLine('&"warning: \\342\\200\\234x\\342\\200\\235\\n"'), { kind: 'log', text: 'warning: \u201cx\u201d\n' });
    assert.deepEqual(parseMiLine('@"serial"'), { kind: 'target', text: 'serial' });
    assert.deepEqual(parseMiLine('(gdb) '), { kind: 'prompt' });
  });

  it('turns garbage into a garbage record, never an exception', () => {
    for (const line of ['', 'hello', '^done,', '^done,x=', '^done,x="unterminated', '*stopped,frame={a="1"', '~"x" trailing', '12', '^', '=x,a=b', '\u0000\u00ff']) {
      const r = parseMiLine(line);
      assert.equal(r.kind, 'garbage', line);
      if (r.kind === 'garbage') assert.ok(r.reason.length > 0);
    }
  });
});

describe('MI command builders', () => {
  it('quote user text so it cannot end the command or start another', () => {
    assert.equal(miQuote('a "b"\\c\nd'), '"a \\"b\\"\\\\c\\nd"');
    assert.equal(varCreate('p->x', 1, 0), '-var-create --thread 1 --frame 0 - * "p->x"');
    assert.ok(!/\n/.test(breakInsert({ location: 'x.c:1', condition: 'a\n-gdb-exit' })));
  });

  it('build breakpoints with conditions and hardware', () => {
    assert.equal(breakInsert({ location: '/w/hello.c:12' }), '-break-insert -f "/w/hello.c:12"');
    assert.equal(breakInsert({ location: 'do_sys_openat2', condition: 'dfd == -100', hardware: true }), '-break-insert -h -f -c "dfd == -100" "do_sys_openat2"');
    assert.equal(breakInsert({ location: 'panic', pending: false }), '-break-insert "panic"');
  });

  it('build the CLI commands MI lacks, quoting what would split into words', () => {
    assert.equal(substitutePath('debian/build/x', '/src/linux'), 'set substitute-path debian/build/x /src/linux');
    assert.equal(substitutePath('a', '/my "src"'), 'set substitute-path a "/my \\"src\\""');
    assert.equal(removeSymbolFile(0xffffffffc0000000n), 'remove-symbol-file -a 0xffffffffc0000000');
  });
});

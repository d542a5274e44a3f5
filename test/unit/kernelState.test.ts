// Parsers of /proc/PID/stat, /proc/modules and /dev/kmsg records (lines captured from the 6.1 guest).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKmsg, parseProcModules, parseStat } from '../../kernel/observe/kernelState';

describe('kernel state parsers', () => {
  it('reads a stat line, including a comm with spaces and parentheses', () => {
    const init = '1 (busybox) S 0 0 0 0 -1 4194560 440 1774 0 0 6 85 3 49 20 0 1 0 52 2314240 400 18446744073709551615 4198400 5785993 140725119788592 0 0 0 0 4 65538 1 0 0 17 0 0 0 0 0 0 6141704 6178576 242065408 140725119795066 140725119795106 140725119795106 140725119795173 0';
    assert.deepEqual(parseStat(init), { pid: 1, comm: 'busybox', state: 'S', ppid: 0, threads: 1, cpu: 0, source: 'agent:procfs' });
    assert.equal(parseStat(init.replace('(busybox)', '(a) b (c)'))?.comm, 'a) b (c');
    assert.equal(parseStat('garbage'), undefined);
    assert.equal(parseStat('7 (x) S 1'), undefined);
  });

  it('reads /proc/modules with users and addresses', () => {
    const rows = parseProcModules('overlay 163840 1 - Live 0xffffffffc0272000\nfuse 176128 1 virtiofs, Live 0xffffffffc023d000\n\nbad line\n', (n) => (n === 'fuse' ? { status: 'debug-package', file: '/x/fuse.ko' } : { status: 'none' }));
    assert.deepEqual(rows.map((r) => [r.name, r.size, r.refcount, r.usedBy, r.state, r.address, r.symbols.status]), [
      ['overlay', 163840, 1, [], 'Live', '0xffffffffc0272000', 'none'],
      ['fuse', 176128, 1, ['virtiofs'], 'Live', '0xffffffffc023d000', 'debug-package'],
    ]);
  });

  it('reads /dev/kmsg records, skipping continuation lines and unescaping', () => {
    const rows = parseKmsg('5,0,0,-;Linux version 6.1.0-57-cloud-amd64\n4,7,16000,-;tsc: Unable to calibrate against PIT\n SUBSYSTEM=pci\n14,9,20,-;a\\x09tab\nnot a record\n');
    assert.deepEqual(rows.map((r) => [r.seq, r.level, r.levelName, r.facility, r.usec, r.message]), [
      [0, 5, 'notice', 0, 0, 'Linux version 6.1.0-57-cloud-amd64'],
      [7, 4, 'warning', 0, 16000, 'tsc: Unable to calibrate against PIT'],
      [9, 6, 'info', 1, 20, 'a\ttab'],
    ]);
  });
});

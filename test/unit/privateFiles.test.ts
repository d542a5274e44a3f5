// Logs are opened 0600 even when they existed wider; CSV export defuses spreadsheet formulas.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openPrivate } from '../../kernel/util/privateFile';
import { toCsv } from '../../views/model/export';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-private-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('private files', () => {
  it('creates logs 0600 and narrows an existing 0644 one', () => {
    const fresh = path.join(dir, 'fresh.log');
    closeSync(openPrivate(fresh, 'w'));
    assert.equal(statSync(fresh).mode & 0o777, 0o600);
    const old = path.join(dir, 'old.log');
    writeFileSync(old, 'x', { mode: 0o644 });
    closeSync(openPrivate(old, 'a'));
    assert.equal(statSync(old).mode & 0o777, 0o600);
  });
});

describe('CSV export', () => {
  it("prefixes text cells that a spreadsheet would run as a formula, and leaves numbers alone", () => {
    const cols = [{ name: 'k', group: 'key', numeric: false }, { name: 'v', group: 'value', numeric: false }] as unknown as Parameters<typeof toCsv>[0];
    const rows = [
      { cells: ['=HYPERLINK("x")', -5] }, { cells: ['+1+cmd', '-3.5'] }, { cells: ['@SUM(A1)', '-x'] }, { cells: ['\tTAB', 'plain'] },
    ] as unknown as Parameters<typeof toCsv>[1];
    assert.equal(toCsv(cols, rows), 'k,v\r\n"\'=HYPERLINK(""x"")",-5\r\n\'+1+cmd,-3.5\r\n\'@SUM(A1),\'-x\r\n\'\tTAB,plain\r\n');
  });
});

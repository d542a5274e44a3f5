// Extension-host entry of the real-VS-Code suite: mocha over the compiled *.test.js beside this file;
// the report also goes to the file named by RING0_EXTENSION_TEST_REPORT (set by ../extensionHost.ts).
import { appendFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const report = process.env.RING0_EXTENSION_TEST_REPORT;
  if (report) {
    const print = Mocha.reporters.Base.consoleLog;
    Mocha.reporters.Base.consoleLog = (...data: unknown[]) => {
      appendFileSync(report, format(...data) + '\n');
      print(...data);
    };
  }
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 30_000, forbidOnly: true });
  for (const f of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e);
    }
  });
}

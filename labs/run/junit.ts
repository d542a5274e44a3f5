// JUnit XML for lab checks, the format CI systems read: one <testsuite> per lab, one <testcase> per
// objective, a failing objective's checker message as its <failure>, a lab that cannot run here skipped.
import type { LabCheck } from '../model/progress';

export interface LabCaseInput {
  id: string;
  title: string;
  objectives: { id: string; text: string }[];
  /** The check's result; absent when the lab was skipped. */
  check?: LabCheck;
  /** Why the lab was not checked (a requirement this machine lacks). */
  skipped?: string;
  seconds: number;
}

/** Characters XML 1.0 cannot carry at all, even escaped (control characters, lone surrogates, U+FFFE/F). */
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text or attribute content: markup characters escaped, quotes and line breaks too (attributes keep them). */
export function xmlEscape(text: string): string {
  return text.replace(INVALID, '\uFFFD').replace(/[<>&"'\r\n\t]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' })[c] as string);
}

const attrs = (a: Record<string, string | number>) => Object.entries(a).map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('');

export function junitXml(labs: LabCaseInput[], suiteName = 'ring0 lab check'): string {
  let tests = 0, failures = 0, skipped = 0, time = 0;
  const suites = labs.map((l) => {
    const results = new Map((l.check?.objectives ?? []).map((o) => [o.id, o]));
    const cases = l.objectives.map((o) => {
      const head = `    <testcase${attrs({ classname: `labs.${l.id}`, name: `${o.id}: ${o.text}`, time: 0 })}`;
      const r = results.get(o.id);
      if (!l.check) return `${head}>\n      <skipped${attrs({ message: l.skipped ?? 'not checked' })}/>\n    </testcase>`;
      if (r?.passed) return `${head}/>`;
      const message = r?.message ?? 'the checker did not report this objective';
      return `${head}>\n      <failure${attrs({ message, type: 'objective' })}>${xmlEscape(message)}</failure>\n    </testcase>`;
    });
    const f = l.check ? l.objectives.filter((o) => !results.get(o.id)?.passed).length : 0;
    const s = l.check ? 0 : l.objectives.length;
    tests += l.objectives.length;
    failures += f;
    skipped += s;
    time += l.seconds;
    const head = attrs({ name: l.id, tests: l.objectives.length, failures: f, errors: 0, skipped: s, time: l.seconds.toFixed(3), ...(l.check ? { timestamp: l.check.at } : {}) });
    return `  <testsuite${head}>\n    <properties>\n      <property${attrs({ name: 'title', value: l.title })}/>\n    </properties>\n${cases.join('\n')}\n  </testsuite>`;
  });
  const head = attrs({ name: suiteName, tests, failures, errors: 0, skipped, time: time.toFixed(3) });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${head}>\n${suites.join('\n')}\n</testsuites>\n`;
}

// bench/tracefsParse: the tracefs parsers on 64 KiB adversarial guest lines (the inputs that used to
// backtrack for seconds) against a raw baseline measured in the same run: one pass over every
// character of the same text (what any linear parser must at least do).
// A linear parser stays within a small constant of the baseline; the old regexes were ~10^4 times it.
import { parseEventFormat, parseFields, parseTraceLine } from '../kernel/observe/tracefs';
import { median } from './stats';

const BIG = 64 * 1024;
const rounds = Number(process.env.RING0_BENCH_ROUNDS ?? 7);
const inputs: Array<[string, string, (s: string) => unknown]> = [
  ['format: blank lines', `name: x\nID: 1\n${' \n'.repeat(BIG / 2)}field:${';'.repeat(BIG)}`, parseEventFormat],
  ['format: long declaration', `name: x\nID: 1\n\tfield:${'a'.repeat(BIG)}!;\toffset:0;\tsize:1;\tsigned:0;\n`, parseEventFormat],
  ['trace line: leading spaces', `${' '.repeat(BIG)}x`, (s) => parseTraceLine(s)],
  ['key=value: one long word', 'a'.repeat(BIG), (s) => parseFields(s, undefined)],
];

function scan(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

function ms(f: () => unknown): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const results = inputs.map(([name, text, parse]) => {
  const raw: number[] = [];
  const ring0: number[] = [];
  for (let i = 0; i < rounds; i++) {
    raw.push(ms(() => scan(text)));
    ring0.push(ms(() => parse(text)));
  }
  const b = median(raw);
  const r = median(ring0);
  console.log(`${name.padEnd(28)} raw ${b.toFixed(2)} ms  ring0 ${r.toFixed(2)} ms  ratio ${(r / b).toFixed(1)}`);
  return { name, rawMedianMs: Number(b.toFixed(3)), ring0MedianMs: Number(r.toFixed(3)), ratio: Number((r / b).toFixed(2)) };
});
console.log(JSON.stringify({ bench: 'tracefsParse', bytes: BIG, rounds, results }));

// The fuzz harness: runs a target's saved corpus, its seeds and then seeded mutations of them, and
// reports the inputs that hit a bug. A bug is an internal error (TypeError, RangeError, a stack
// overflow, a raw JSON SyntaxError...) or a broken invariant; errors a parser is meant to throw
// (its own classes with a plain message) are not.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mutate, Prng } from './prng';

export interface FuzzTarget {
  name: string;
  /** Valid-looking inputs to mutate. */
  seeds(): Buffer[];
  /** Tokens the mutator mixes in. */
  dict?: readonly string[];
  /** Largest input generated (default 4096 bytes). */
  maxLen?: number;
  /** Runs one input; throws FuzzBug (or any internal error) on a bug. */
  run(input: Buffer): void;
}

export class FuzzBug extends Error {
  override readonly name = 'FuzzBug';
}

export interface FuzzFailure {
  input: Buffer;
  error: string;
}

export interface FuzzResult {
  target: string;
  seed: number;
  /** Inputs run: corpus + seeds + mutations. */
  tried: number;
  corpus: number;
  /** Inputs that hit a bug (at most `keep` of them are in failures). */
  failed: number;
  failures: FuzzFailure[];
  ms: number;
}

/** test/fixtures/fuzz: one folder per target holding the inputs that once found a bug. */
export const CORPUS_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'fuzz');

// Engine messages that mean a bug even when a parser wraps them in its own error. (A JSON syntax
// message inside a named error, "bpftool map show: not JSON (Unexpected token ...)", is fine.)
const INTERNAL = /Cannot read propert|Cannot set propert|is not a function|is not iterable|Maximum call stack|out of range|Invalid array length|undefined is not|null is not|Cannot convert/;

/** Errors no parser should let out: JS engine errors, or messages that read like one. */
export function isInternalError(e: unknown): boolean {
  if (e instanceof FuzzBug) return true;
  if (!(e instanceof Error)) return true;
  if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError || e instanceof EvalError) return true;
  return INTERNAL.test(e.message) || !e.message;
}

/** Runs fn; an error is fine only when it is one of `allowed` and not an internal one. */
export function expectOnly<T>(fn: () => T, ...allowed: Array<abstract new (...a: never[]) => Error>): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!isInternalError(e) && allowed.some((c) => e instanceof c)) return undefined;
    throw e;
  }
}

export function check(ok: boolean, what: string): void {
  if (!ok) throw new FuzzBug(what);
}

export function loadCorpus(target: string, dir = CORPUS_DIR): Buffer[] {
  const d = path.join(dir, target);
  if (!existsSync(d)) return [];
  return readdirSync(d).sort().map((f) => readFileSync(path.join(d, f)));
}

/** Keeps a failing input (named by its hash) so later runs replay it. */
export function saveToCorpus(target: string, input: Buffer, dir = CORPUS_DIR): string {
  const d = path.join(dir, target);
  mkdirSync(d, { recursive: true });
  const f = path.join(d, `crash-${createHash('sha1').update(input).digest('hex').slice(0, 16)}`);
  writeFileSync(f, input);
  return f;
}

export interface RunOptions {
  seed: number;
  /** Mutated inputs to run (on top of corpus and seeds). */
  runs: number;
  /** An input slower than this is a failure (a hang or backtracking); generous, not a benchmark. */
  slowMs?: number;
  /** Failures kept per target (the rest are counted). */
  keep?: number;
  corpusDir?: string;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e);
}

export function runTarget(t: FuzzTarget, o: RunOptions): FuzzResult {
  const start = Date.now();
  const r = new Prng(o.seed ^ hash32(t.name));
  const corpus = loadCorpus(t.name, o.corpusDir);
  const seeds = t.seeds();
  const pool = [...seeds, ...corpus];
  const failures: FuzzFailure[] = [];
  let failed = 0;
  let tried = 0;
  const one = (input: Buffer) => {
    tried++;
    const t0 = Date.now();
    let error: string | undefined;
    try {
      t.run(input);
    } catch (e) {
      if (isInternalError(e)) error = describe(e);
    }
    const ms = Date.now() - t0;
    if (!error && ms > (o.slowMs ?? 5000)) error = `slow: ${ms} ms for ${input.length} bytes`;
    if (!error) return;
    failed++;
    if (failures.length < (o.keep ?? 5)) failures.push({ input, error });
  };
  for (const c of [...corpus, ...seeds]) one(c);
  let last = pool.length ? pool[0] : Buffer.alloc(0);
  for (let i = 0; i < o.runs; i++) {
    // Mostly fresh mutations of a seed; sometimes keep mutating the last input (deeper changes).
    const base = r.chance(0.25) ? last : pool.length ? r.pick(pool) : Buffer.alloc(0);
    last = mutate(r, base, { maxLen: t.maxLen ?? 4096, dict: t.dict ?? [], pool });
    one(last);
  }
  return { target: t.name, seed: o.seed, tried, corpus: corpus.length, failed, failures, ms: Date.now() - start };
}

function hash32(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

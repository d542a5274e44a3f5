// Kconfig dependency expressions (`depends on A && (B || !C)`, `X=y`, `X != "s"`): a small recursive
// descent parser and tristate evaluator, so a dropped option can be explained by what blocked it.
import { valueOf, type ConfigValues } from './dotConfig';

export type Expr =
  | { kind: 'sym'; name: string }
  | { kind: 'not'; e: Expr }
  | { kind: 'and' | 'or'; a: Expr; b: Expr }
  | { kind: 'cmp'; op: string; a: string; b: string };

const TOKEN = /\s*(&&|\|\||!=|<=|>=|[!()=<>]|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z0-9_.$-]+)/y;

export function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*(#.*)?$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`cannot parse Kconfig expression at '${text.slice(pos)}'`);
    out.push(m[1]);
    pos = TOKEN.lastIndex;
  }
  return out;
}

export function parseExpr(text: string): Expr {
  const t = tokenize(text);
  let i = 0;
  const peek = () => t[i];
  const next = () => t[i++];
  const primary = (): Expr => {
    const tok = next();
    if (tok === undefined) throw new Error(`Kconfig expression ends early: '${text}'`);
    if (tok === '!') return { kind: 'not', e: primary() };
    if (tok === '(') {
      const e = or();
      if (next() !== ')') throw new Error(`missing ) in '${text}'`);
      return e;
    }
    if (['=', '!=', '<', '>', '<=', '>='].includes(peek() ?? '')) {
      const op = next();
      const b = next();
      if (b === undefined) throw new Error(`missing operand in '${text}'`);
      return { kind: 'cmp', op, a: tok, b };
    }
    return { kind: 'sym', name: tok };
  };
  const and = (): Expr => {
    let e = primary();
    while (peek() === '&&') {
      next();
      e = { kind: 'and', a: e, b: primary() };
    }
    return e;
  };
  const or = (): Expr => {
    let e = and();
    while (peek() === '||') {
      next();
      e = { kind: 'or', a: e, b: and() };
    }
    return e;
  };
  const e = or();
  if (i !== t.length) throw new Error(`unexpected '${t[i]}' in '${text}'`);
  return e;
}

const TRI: Record<string, number> = { n: 0, m: 1, y: 2 };

function operandValue(tok: string, values: ConfigValues): string {
  if (/^["']/.test(tok)) return tok.slice(1, -1);
  if (tok in TRI) return tok;
  if (/^-?\d+$/.test(tok) || /^0x[0-9a-f]+$/i.test(tok)) return tok;
  const v = valueOf(values, tok);
  return /^".*"$/.test(v) ? v.slice(1, -1) : v;
}

/** Tristate value 0 (n), 1 (m) or 2 (y) of E under the config's values. */
export function evaluate(e: Expr, values: ConfigValues): number {
  switch (e.kind) {
    case 'sym': {
      const v = operandValue(e.name, values);
      return TRI[v] ?? 0;
    }
    case 'not':
      return 2 - evaluate(e.e, values);
    case 'and':
      return Math.min(evaluate(e.a, values), evaluate(e.b, values));
    case 'or':
      return Math.max(evaluate(e.a, values), evaluate(e.b, values));
    case 'cmp': {
      const a = operandValue(e.a, values);
      const b = operandValue(e.b, values);
      const na = Number(a);
      const nb = Number(b);
      const numeric = a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb);
      const c = numeric ? na - nb : a < b ? -1 : a > b ? 1 : 0;
      const ok = e.op === '=' ? c === 0 : e.op === '!=' ? c !== 0 : e.op === '<' ? c < 0 : e.op === '>' ? c > 0 : e.op === '<=' ? c <= 0 : c >= 0;
      return ok ? 2 : 0;
    }
  }
}

/** The expression with each symbol's current value beside it, e.g. `SLUB [n] || SLAB [n]`. */
export function annotate(e: Expr, values: ConfigValues, top = true): string {
  switch (e.kind) {
    case 'sym':
      return e.name in TRI ? e.name : `${e.name} [${valueOf(values, e.name)}]`;
    case 'not':
      return `!${annotate(e.e, values, false)}`;
    case 'cmp':
      return `${annotate({ kind: 'sym', name: e.a }, values, false)} ${e.op} ${/^["'\d]/.test(e.b) || e.b in TRI ? e.b : annotate({ kind: 'sym', name: e.b }, values, false)}`;
    case 'and':
    case 'or': {
      const s = `${annotate(e.a, values, false)} ${e.kind === 'and' ? '&&' : '||'} ${annotate(e.b, values, false)}`;
      return top ? s : `(${s})`;
    }
  }
}

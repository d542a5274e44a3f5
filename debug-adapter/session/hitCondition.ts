// DAP hit conditions ("5", ">= 5", "> 5", "== 5", "% 5") parsed once and applied to a hit counter.

export interface HitCondition {
  op: '>=' | '>' | '==' | '%' | '<' | '<=';
  n: number;
}

/** Parses a hit condition; a bare number N means "from the Nth hit on" (gdb's ignore count). */
export function parseHitCondition(text: string): HitCondition {
  const m = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`'${text}' is not a hit condition: use N, >= N, > N, == N, < N or % N`);
  const n = Number(m[2]);
  const op = (m[1] ?? '>=') as HitCondition['op'];
  if (op === '%' && n === 0) throw new Error("'% 0' can never be met");
  return { op, n };
}

export function hitConditionMet(c: HitCondition, hits: number): boolean {
  switch (c.op) {
    case '>=': return hits >= c.n;
    case '>': return hits > c.n;
    case '==': return hits === c.n;
    case '<': return hits < c.n;
    case '<=': return hits <= c.n;
    case '%': return hits % c.n === 0;
  }
}

/** Splits a logpoint message into literal text and {expressions}; `{{` and `}}` are literal braces. */
export function parseLogMessage(message: string): ({ text: string } | { expr: string })[] {
  const parts: ({ text: string } | { expr: string })[] = [];
  let text = '';
  for (let i = 0; i < message.length; i++) {
    const ch = message[i];
    if ((ch === '{' || ch === '}') && message[i + 1] === ch) {
      text += ch;
      i++;
    } else if (ch === '{') {
      const end = message.indexOf('}', i + 1);
      if (end < 0) {
        text += message.slice(i);
        break;
      }
      if (text) parts.push({ text });
      text = '';
      parts.push({ expr: message.slice(i + 1, end).trim() });
      i = end;
    } else text += ch;
  }
  if (text) parts.push({ text });
  return parts;
}

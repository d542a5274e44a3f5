// The verifier explainer page (runs in the webview): instructions with their C lines and states, the
// failing path highlighted, the explanation and stats; an unknown log is shown raw. DOM APIs only.
import { isVerifierToPage, type PageInsn, type PageProgram, type PageSource, type PageToVerifier } from '../protocol/verifier';
import { button, el } from './dom';

declare function acquireVsCodeApi(): { postMessage(m: PageToVerifier): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

function sourceLink(s: PageSource | undefined, label?: string): HTMLElement {
  if (!s) return el('span', label ?? '(no source line)', 'muted');
  const a = el('a', label ?? `${s.file.split('/').pop()}:${s.line}`, 'src-link');
  a.href = '#';
  a.title = `${s.file}:${s.line}:${s.column}`;
  a.addEventListener('click', (e) => {
    e.preventDefault();
    vscode.postMessage({ type: 'openSource', file: s.file, line: Math.max(1, s.line), column: Math.max(1, s.column) });
  });
  return a;
}

function insnRow(i: PageInsn, failInsn: number | undefined, relatedInsn: number | undefined): HTMLElement {
  const row = el('div', undefined, 'insn');
  row.id = `insn-${i.idx}`;
  if (i.onFailurePath) row.classList.add('path');
  if (i.idx === failInsn) row.classList.add('fail');
  if (i.idx === relatedInsn) row.classList.add('related');
  const idx = el('span', String(i.idx), 'idx');
  const text = el('span', i.text, 'text');
  if (i.target !== undefined) {
    const j = el('a', ` → ${i.target}`, 'jump');
    j.href = '#';
    j.title = `jumps to instruction ${i.target}`;
    j.addEventListener('click', (e) => {
      e.preventDefault();
      document.getElementById(`insn-${i.target}`)?.scrollIntoView({ block: 'center' });
    });
    text.append(j);
  }
  const visits = el('span', i.visits > 1 ? `×${i.visits}` : '', 'visits');
  visits.title = 'times the verifier processed this instruction';
  row.append(idx, text, el('span', i.state, 'state'), visits);
  return row;
}

function renderProgram(p: PageProgram): HTMLElement {
  const sec = el('section', undefined, p.passed ? 'prog passed' : 'prog rejected');
  sec.append(el('h2', `${p.passed ? '✓' : '✗'} ${p.name}${p.section ? ` — ${p.section}` : ''}`));
  if (p.stats.length) {
    const dl = el('div', undefined, 'stats');
    for (const s of p.stats) dl.append(el('span', `${s.label}: ${s.value}`, 'stat'));
    sec.append(dl);
  }
  if (p.failure) {
    const f = el('div', undefined, 'failure');
    f.append(el('strong', 'Verifier: '), el('code', p.failure.message), el('span', ' at '), sourceLink(p.failure.source));
    if (p.failure.insn !== undefined) f.append(el('span', ` (instruction ${p.failure.insn})`, 'muted'));
    sec.append(f);
  }
  if (p.explanation) {
    const x = el('div', undefined, 'explanation');
    x.append(el('h3', p.explanation.title), el('p', p.explanation.text));
    const fix = el('p');
    fix.append(el('strong', 'Fix: '), el('span', p.explanation.fix));
    x.append(fix);
    const at = el('p');
    at.append(el('span', 'Line: '), sourceLink(p.explanation.source));
    x.append(at);
    const r = p.explanation.related;
    if (r) {
      const rel = el('p');
      rel.append(el('span', `Also: ${r.what}: `), sourceLink(r.source), el('span', ` (instruction ${r.insn})`, 'muted'));
      x.append(rel);
    }
    sec.append(x);
  } else if (!p.passed) {
    sec.append(el('p', 'Ring0 has no explanation for this message yet; the log below is what the kernel said.', 'muted'));
  }
  if (p.truncated) sec.append(el('p', 'The log filled the loader\'s buffer: the instructions below are its beginning only.', 'banner warn'));
  if (p.format === 'unknown' || p.insns.length === 0) {
    sec.append(el('p', p.format === 'unknown' ? 'This log is in a format Ring0 does not parse; shown as the kernel wrote it:' : 'The log holds no instructions:', 'muted'));
    sec.append(el('pre', p.log || '(the kernel wrote no log)', 'raw'));
    return sec;
  }
  const filter = el('label', undefined, 'toggle');
  const cb = el('input');
  cb.type = 'checkbox';
  cb.checked = !p.passed;
  filter.append(cb, el('span', ' only the path to the failure'));
  if (!p.passed) sec.append(filter);
  const list = el('div', undefined, 'insns');
  const failInsn = p.failure?.insn;
  const relatedInsn = p.explanation?.related?.insn;
  const draw = () => {
    list.replaceChildren();
    let lastLine = '';
    const onlyPath = cb.checked && !p.passed;
    for (const i of p.insns) {
      if (onlyPath && !i.onFailurePath) continue;
      const key = i.source ? `${i.source.file}:${i.source.line}` : '';
      if (key && key !== lastLine) {
        const src = el('div', undefined, 'srcline');
        src.append(sourceLink(i.source), el('code', ` ${i.source!.text.trim()}`));
        list.append(src);
        lastLine = key;
      }
      list.append(insnRow(i, failInsn, relatedInsn));
    }
  };
  cb.addEventListener('change', draw);
  draw();
  sec.append(list);
  const raw = el('details');
  raw.append(el('summary', 'Raw verifier log'), el('pre', p.log, 'raw'));
  sec.append(raw);
  return sec;
}

window.addEventListener('message', (ev: MessageEvent) => {
  const m: unknown = ev.data;
  if (!isVerifierToPage(m)) return;
  app.replaceChildren();
  if (m.type === 'loading') {
    app.append(el('h1', 'BPF verifier'), el('p', `Verifying ${m.object} in the VM at log level 2…`, 'muted'));
    return;
  }
  if (m.type === 'error') {
    app.append(el('h1', 'BPF verifier'), el('p', m.message, 'banner error'), button('Try again', () => vscode.postMessage({ type: 'rerun' })));
    return;
  }
  const head = el('header');
  head.append(el('h1', `BPF verifier — ${m.object.split('/').pop()}`), el('p', m.ok ? 'Every program passed the verifier.' : 'The verifier rejected the object.', m.ok ? 'summary good' : 'summary bad'), button('Verify again', () => vscode.postMessage({ type: 'rerun' })));
  app.append(head);
  if (m.error) app.append(el('p', `Loading failed before verification: ${m.error}`, 'banner error'));
  for (const n of m.notes) app.append(el('p', n, 'muted'));
  if (!m.programs.length && !m.error) app.append(el('p', 'The object has no programs to verify.', 'muted'));
  for (const p of m.programs) app.append(renderProgram(p));
  document.querySelector('.insn.fail')?.scrollIntoView({ block: 'center' });
});
vscode.postMessage({ type: 'ready' });

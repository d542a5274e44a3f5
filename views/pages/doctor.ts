// The Doctor panel's page script (runs in the webview): renders doctor rows with DOM APIs, never innerHTML.
import { codicon } from './dom';
import { isDoctorToPage, type DoctorRow, type PageToDoctor } from '../protocol/doctor';

declare function acquireVsCodeApi(): { postMessage(m: PageToDoctor): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function cell(child: HTMLElement, cls: string): HTMLTableCellElement {
  const td = el('td', undefined, cls);
  td.append(child);
  return td;
}

function render(version: string, rows: DoctorRow[]): void {
  app.replaceChildren();
  const header = el('header');
  header.append(el('h1', 'Ring0 — Kernel & eBPF Workbench'), el('p', `Version ${version}. Ring0 boots a real Linux kernel in QEMU, builds and loads your kernel modules and BPF programs into it, and decodes its oopses and panics.`));
  const missing = rows.filter((r) => r.required && !r.ok);
  const summary = el('p', missing.length ? `${missing.length} required dependencies are missing.` : 'All required dependencies are present.', missing.length ? 'summary bad' : 'summary good');
  summary.id = 'summary';
  const actions = el('div', undefined, 'actions');
  const refresh = el('button', 'Check again');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  actions.append(refresh);
  if (rows.some((r) => !r.ok)) {
    const setup = el('button', 'Install missing dependencies');
    setup.addEventListener('click', () => vscode.postMessage({ type: 'runSetup' }));
    actions.append(setup);
  }
  const table = el('table');
  table.id = 'doctor';
  const head = el('tr');
  for (const h of ['', 'Dependency', 'Version', 'Path / how to fix']) head.append(el('th', h));
  table.append(head);
  for (const r of rows) {
    const tr = el('tr', undefined, r.ok ? 'ok' : r.required ? 'missing' : 'optional');
    tr.dataset.name = r.name;
    tr.append(
      cell(r.ok ? codicon('pass', 'found', '') : r.required ? codicon('error', 'missing', '') : codicon('circle-slash', 'optional, missing', ''), 'mark'),
      el('td', r.name),
      el('td', r.version ?? ''),
      el('td', r.ok ? r.path ?? '' : `${r.purpose}: ${r.install}`),
    );
    table.append(tr);
  }
  app.append(header, summary, actions, table);
}

window.addEventListener('message', (event: MessageEvent) => {
  const m: unknown = event.data;
  if (!isDoctorToPage(m)) return;
  if (m.type === 'loading') app.replaceChildren(el('p', 'Checking this machine…', 'summary'));
  else if (m.type === 'error') app.replaceChildren(el('p', `Doctor failed: ${m.message}`, 'summary bad'));
  else render(m.version, m.rows);
});

vscode.postMessage({ type: 'ready' });

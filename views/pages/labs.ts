// The lab dashboard's page script (runs in the webview): progress bars per track, a card per lab with
// its status, last result and per-objective results, and buttons that ask the host to run lab commands.
// DOM APIs only, never innerHTML.
import { codicon } from './dom';
import { isDashboardToPage, type DashboardAction, type DashboardLab, type DashboardToPage, type DashboardTrack, type PageToDashboard } from '../protocol/labs';

declare function acquireVsCodeApi(): { postMessage(m: PageToDashboard): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(s)) return iso;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleString();
}

function button(label: string, action: DashboardAction, lab: DashboardLab, primary = false): HTMLButtonElement {
  const b = el('button', label, primary ? 'primary' : 'secondary');
  b.dataset.action = action;
  b.disabled = !!lab.busy;
  b.addEventListener('click', () => vscode.postMessage({ type: action, id: lab.id }));
  return b;
}

const STATUS_TEXT: Record<DashboardLab['status'], string> = {
  'not-started': 'Not started',
  started: 'Started, not checked yet',
  failing: 'In progress',
  passed: 'Done',
};

const STATUS_ICON: Record<DashboardLab['status'], string> = {
  'not-started': 'circle-large-outline',
  started: 'circle-large-filled',
  failing: 'error',
  passed: 'pass',
};

function labCard(lab: DashboardLab, now: number): HTMLElement {
  const card = el('section', undefined, `lab ${lab.status}`);
  card.dataset.lab = lab.id;
  card.dataset.status = lab.status;
  const head = el('div', undefined, 'lab-head');
  const mark = codicon(STATUS_ICON[lab.status], STATUS_TEXT[lab.status]);
  const title = el('h3', lab.title);
  head.append(mark, title);
  for (const r of lab.requirements) {
    const badge = el('span', r.met ? r.label : `⚠ ${r.label}`, `badge ${r.met ? 'met' : 'unmet'}`);
    badge.title = r.detail;
    head.append(badge);
  }
  const status = el('p', undefined, 'status');
  status.append(el('strong', lab.busy ? `${lab.busy[0].toUpperCase()}${lab.busy.slice(1)}…` : STATUS_TEXT[lab.status]));
  if (lab.lastCheckAt) status.append(` · ${lab.passedObjectives}/${lab.totalObjectives} objectives · last checked `, timeEl(lab.lastCheckAt, now));
  else if (lab.startedAt) status.append(' · started ', timeEl(lab.startedAt, now));
  const summary = el('p', lab.summary, 'summary');
  card.append(head, status, summary);
  for (const r of lab.requirements.filter((x) => !x.met)) card.append(el('p', r.detail, 'requirement-detail'));
  if (lab.lastCheckAt) {
    const list = el('ul', undefined, 'objectives');
    for (const o of lab.objectives) {
      const li = el('li', undefined, o.passed === undefined ? 'unknown' : o.passed ? 'pass' : 'fail');
      li.dataset.objective = o.id;
      li.append(o.passed === undefined ? codicon('circle-large-outline', 'not checked') : o.passed ? codicon('pass', 'passed') : codicon('error', 'failed'), el('span', o.text, 'text'));
      if (o.message && !o.passed) li.append(el('div', o.message, 'message'));
      list.append(li);
    }
    card.append(list);
  }
  const actions = el('div', undefined, 'actions');
  if (lab.status === 'not-started') actions.append(button('Start', 'start', lab, true));
  else actions.append(button('Check', 'check', lab, lab.status !== 'passed'), button('Open', 'open', lab), button('Reset…', 'reset', lab));
  card.append(actions);
  return card;
}

function timeEl(iso: string, now: number): HTMLTimeElement {
  const t = el('time', ago(iso, now));
  t.dateTime = iso;
  t.title = new Date(iso).toLocaleString();
  return t;
}

function trackBar(t: DashboardTrack): HTMLElement {
  const row = el('div', undefined, 'track-bar');
  row.dataset.track = t.track;
  const label = el('span', t.track, 'track-name');
  const bar = el('progress');
  bar.max = t.total;
  bar.value = t.passed;
  bar.title = `${t.passed} of ${t.total} labs done, ${t.started - t.passed} in progress`;
  row.append(label, bar, el('span', `${t.passed}/${t.total}`, 'count'));
  return row;
}

function render(m: DashboardToPage): void {
  const now = Date.parse(m.now);
  app.replaceChildren();
  const header = el('header');
  header.append(el('h1', 'Ring0 Labs'));
  const all = m.tracks.flatMap((t) => t.labs);
  if (all.length === 0) {
    const empty = el('div', undefined, 'empty');
    empty.id = 'empty';
    empty.append(el('p', m.errors.length ? 'No lab could be loaded from the catalog.' : 'The lab catalog is empty.'),
      el('p', 'A lab is a folder with a lab.json under labs/catalog in the Ring0 extension (or under the folder RING0_LAB_CATALOG names); the errors below say what is wrong with the ones that did not load.', 'summary'));
    for (const e of m.errors) empty.append(el('p', e, 'error'));
    app.append(header, empty);
    return;
  }
  const done = all.filter((l) => l.status === 'passed').length;
  const summary = el('p', m.workspace === null
    ? 'Open a folder to start labs: each lab is copied into labs/<id> in your workspace.'
    : `${done} of ${all.length} labs done in ${m.workspace}. Checkers run in the VM; results stay in .ring0/progress.json.`, 'summary');
  summary.id = 'summary';
  header.append(summary);
  const bars = el('div', undefined, 'tracks');
  bars.id = 'tracks';
  for (const t of m.tracks) bars.append(trackBar(t));
  app.append(header, bars);
  for (const e of m.errors) app.append(el('p', e, 'error'));
  for (const t of m.tracks) {
    const section = el('section', undefined, 'track');
    section.append(el('h2', `${t.track} — ${t.passed}/${t.total} done`));
    for (const l of t.labs) section.append(labCard(l, now));
    app.append(section);
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const m: unknown = event.data;
  if (isDashboardToPage(m)) render(m);
});

app.replaceChildren(el('p', 'Loading the labs…', 'summary'));
vscode.postMessage({ type: 'ready' });

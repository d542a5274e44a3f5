// The stream page (runs in the webview): live counts, a rate chart and a histogram of a numeric field
// (uPlot, bundled), a table of the newest records (or the text output), printed bpftrace maps as charts.
// Every batch is acked after it is drawn, which is what lets the host send the next one.
import uPlot from 'uplot';
import type { PrintedMap } from '../model/printedMaps';
import { histogram, numericFields, RateSeries } from '../model/histogram';
import { compact } from '../model/bpfSnapshot';
import { isStreamToPage, type FieldValue, type PageToStream, type StreamCounts, type StreamState, type WireRecord } from '../protocol/stream';
import { button, el } from './dom';

declare function acquireVsCodeApi(): { postMessage(m: PageToStream): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

const KEEP_ROWS = 300;
const KEEP_VALUES = 5000;
const css = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

let kind: 'events' | 'text' = 'events';
let state: StreamState = 'starting';
const rows: WireRecord[] = [];
const rate = new RateSeries(120);
const values = new Map<string, number[]>();
let histField = '';
const fieldOrder: string[] = [];
let dirty = false;

const title = el('h1', 'Stream');
const desc = el('p', '', 'info');
const stateLine = el('p', 'Starting…', 'status');
stateLine.id = 'state';
const pauseBtn = button('Pause', () => vscode.postMessage({ type: state === 'paused' ? 'resume' : 'pause' }), 'Freeze the display; records keep being counted', 'primary');
pauseBtn.id = 'pause';
const stopBtn = button('Stop', () => vscode.postMessage({ type: 'stop' }), 'End the stream in the VM');
const restartBtn = button('Restart', () => vscode.postMessage({ type: 'restart' }), 'Start the stream again');
const decodeBtn = button('Decode as…', () => vscode.postMessage({ type: 'decodeAs' }), 'Pick the struct records decode as, and restart the stream');
decodeBtn.id = 'decode-as';
decodeBtn.hidden = true;
const toolbar = el('div', undefined, 'toolbar');
toolbar.append(pauseBtn, stopBtn, restartBtn, decodeBtn);
const counts = el('div', undefined, 'counts');
counts.id = 'counts';
const COUNT_LABELS: Array<[keyof StreamCounts, string, string]> = [
  ['received', 'received', 'Records the host received from the guest'],
  ['shown', 'shown', 'Records sent to this page'],
  ['agentDropped', 'agent dropped', 'Dropped by the guest agent because the host fell behind (exact)'],
  ['kernelLost', 'kernel lost', 'Lost in the kernel: trace buffer overruns, failed ring-buffer reservations'],
  ['uiDropped', 'UI dropped', 'Dropped on the host because this page fell behind (exact)'],
  ['pausedSkipped', 'skipped while paused', 'Arrived while paused: counted, not shown'],
  ['malformed', 'malformed', 'Records that could not be decoded'],
];
const countEls = new Map<keyof StreamCounts, HTMLElement>();
for (const [k, label, tip] of COUNT_LABELS) {
  const s = el('span');
  s.title = tip;
  s.dataset.count = k;
  const b = el('b', '0');
  s.append(b, ` ${label}`);
  countEls.set(k, b);
  counts.append(s);
}
const charts = el('div', undefined, 'charts');
const rateBox = el('div', undefined, 'chart');
rateBox.id = 'rate';
rateBox.append(el('h2', 'Records per second'));
const histBox = el('div', undefined, 'chart');
histBox.id = 'hist';
const histHead = el('h2', 'Histogram of ');
const histSelect = el('select');
histSelect.id = 'histField';
histSelect.addEventListener('change', () => {
  histField = histSelect.value;
  dirty = true;
});
histHead.append(histSelect);
histBox.append(histHead);
charts.append(rateBox, histBox);
const mapsBox = el('div', undefined, 'charts');
mapsBox.id = 'maps';
const log = el('div', undefined, 'log');
log.id = 'log';
app.append(title, desc, toolbar, stateLine, counts, charts, mapsBox, log);

const width = (box: HTMLElement) => Math.max(300, box.clientWidth - 10);
const axes = (): uPlot.Axis[] => [{ stroke: css('--vscode-foreground', '#ccc'), grid: { stroke: css('--vscode-editorWidget-border', '#444'), width: 1 } }, { stroke: css('--vscode-foreground', '#ccc'), grid: { stroke: css('--vscode-editorWidget-border', '#444'), width: 1 } }];
const color = () => css('--vscode-charts-blue', '#3794ff');

const yAxis = (a: uPlot.Axis): uPlot.Axis => ({ ...a, values: (_u: uPlot, splits: number[]) => splits.map((v) => compact(v)) });
const makeRate = (data: uPlot.AlignedData) => new uPlot({ width: width(rateBox), height: 180, scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } }, axes: [axes()[0], yAxis(axes()[1])], legend: { show: false }, series: [{}, { label: 'records/s', stroke: color(), width: 2, fill: 'rgba(55,148,255,0.15)' }] }, data, rateBox);
const bars = uPlot.paths.bars ? uPlot.paths.bars({ size: [0.9, 100] }) : undefined;
const makeHist = (data: uPlot.AlignedData) => new uPlot({ width: width(histBox), height: 180, scales: { x: { time: false } }, axes: [{ ...axes()[0], values: (_u: uPlot, splits: number[]) => splits.map((v) => compact(v)) }, yAxis(axes()[1])], legend: { show: false }, series: [{}, { label: 'count', stroke: color(), fill: 'rgba(55,148,255,0.5)', ...(bars ? { paths: bars } : {}) }] }, data, histBox);
let rateChart = makeRate([[], []]);
let histChart = makeHist([[], []]);
let lastMaps: [PrintedMap[], string[]] | undefined;
// A theme change swaps the body's vscode-light/-dark/-high-contrast class and the colour variables:
// the charts are drawn again in the new colours, with their data.
new MutationObserver(() => {
  const rate = rateChart.data;
  const hist = histChart.data;
  rateChart.destroy();
  histChart.destroy();
  rateChart = makeRate(rate);
  histChart = makeHist(hist);
  if (lastMaps) renderMaps(...lastMaps);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
histBox.hidden = true;

function addRecords(recs: WireRecord[]): void {
  for (const r of recs) {
    rows.push(r);
    if (r.f) {
      for (const [k, v] of Object.entries(r.f)) {
        if (!fieldOrder.includes(k)) fieldOrder.push(k);
        if (typeof v !== 'number') continue;
        let arr = values.get(k);
        if (!arr) values.set(k, (arr = []));
        arr.push(v);
        if (arr.length > KEEP_VALUES) arr.splice(0, arr.length - KEEP_VALUES);
      }
    }
  }
  if (rows.length > KEEP_ROWS * 2) rows.splice(0, rows.length - KEEP_ROWS);
  dirty = true;
}

function updateHistFields(): void {
  const sample = rows.slice(-200).map((r) => r.f ?? {});
  const fields = numericFields(sample).filter((f) => f !== 'ts');
  if (fields.length === 0) return;
  histBox.hidden = false;
  if (histSelect.options.length !== fields.length || Array.from(histSelect.options).some((o, i) => o.value !== fields[i])) {
    histSelect.replaceChildren(...fields.map((f) => Object.assign(el('option', f), { value: f })));
    if (!fields.includes(histField)) histField = fields.includes('ret') ? 'ret' : (fields.find((f) => !['cpu', 'seq', 'pid', 'size'].includes(f) && !/^ts|_ns$|time/.test(f)) ?? fields[0]);
    histSelect.value = histField;
  }
}

function renderTable(): void {
  const newest = rows.slice(-KEEP_ROWS).reverse();
  if (kind === 'text') {
    const pre = el('pre');
    pre.textContent = newest.map((r) => r.text ?? JSON.stringify(r.f)).reverse().join('\n');
    log.replaceChildren(pre);
    log.scrollTop = log.scrollHeight;
    return;
  }
  const cols = fieldOrder.slice(0, 12);
  const table = el('table');
  const head = el('tr');
  for (const c of cols) head.append(el('th', c));
  table.append(head);
  for (const r of newest) {
    const tr = el('tr');
    for (const c of cols) {
      const v: FieldValue | undefined = r.f?.[c];
      tr.append(el('td', v === undefined ? '' : c === 'ts' && typeof v === 'number' ? v.toFixed(6) : String(v)));
    }
    if (r.text) tr.append(el('td', r.text));
    table.append(tr);
  }
  log.replaceChildren(table);
}

function renderCharts(): void {
  const [x, y] = rate.data();
  rateChart.setData([x, y]);
  // The last minute at least, even with one sample (auto-ranging one time point spans years).
  if (x.length) rateChart.setScale('x', { min: Math.min(x[0], x[x.length - 1] - 60), max: x[x.length - 1] + 1 });
  if (kind === 'events') {
    updateHistFields();
    const h = histogram(values.get(histField) ?? [], 30);
    histChart.setData([h.edges, h.counts]);
  }
}

function renderMaps(maps: PrintedMap[], skipped: string[]): void {
  lastMaps = [maps, skipped];
  mapsBox.replaceChildren();
  if (skipped.length) {
    const note = el('p', `Not shown: ${skipped.join('; ')}`, 'info');
    note.id = 'mapsSkipped';
    mapsBox.append(note);
  }
  for (const m of maps) {
    const box = el('div', undefined, 'chart');
    box.dataset.map = m.name;
    box.append(el('h2', m.name));
    mapsBox.append(box);
    let labels: string[];
    let ys: number[];
    if (m.kind === 'hist') {
      const s = m.series[0] ?? { key: '', buckets: [] };
      if (m.series.length > 1) box.firstChild!.textContent = `${m.name} [${s.key}] (${m.series.length} keys; first shown)`;
      labels = s.buckets.map((b) => b.label);
      ys = s.buckets.map((b) => b.count);
    } else {
      const top = m.entries.filter((e) => typeof e.value === 'number').sort((a, b) => (b.value as number) - (a.value as number)).slice(0, 30);
      labels = top.map((e) => e.key || m.name);
      ys = top.map((e) => e.value as number);
      if (top.length < m.entries.length) box.append(el('p', `${m.entries.length} keys; the top ${top.length} are charted`, 'info'));
    }
    const xs = labels.map((_, i) => i);
    const ax = axes();
    ax[0] = { ...ax[0], values: (_u: uPlot, splits: number[]) => splits.map((s) => labels[s] ?? ''), space: 40, rotate: labels.length > 8 ? -45 : 0, size: labels.length > 8 ? 80 : 40 } as uPlot.Axis;
    new uPlot({ width: width(box), height: 220, scales: { x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] } }, axes: ax, legend: { show: false }, series: [{}, { label: m.name, stroke: color(), fill: 'rgba(55,148,255,0.5)', ...(bars ? { paths: bars } : {}) }] }, [xs, ys], box);
  }
}

function setCounts(c: StreamCounts): void {
  for (const [k] of COUNT_LABELS) {
    const e = countEls.get(k);
    if (e) e.textContent = String(c[k]);
  }
}

function setState(s: StreamState, message: string): void {
  state = s;
  stateLine.textContent = message;
  stateLine.className = `status ${s}`;
  pauseBtn.textContent = s === 'paused' ? 'Resume' : 'Pause';
  pauseBtn.disabled = s !== 'running' && s !== 'paused';
  stopBtn.disabled = s === 'ended' || s === 'error';
  restartBtn.hidden = !(s === 'ended' || s === 'error');
}

// Drawing is throttled: at most a few frames per second whatever the event rate.
setInterval(() => {
  if (!dirty || state === 'paused') return;
  dirty = false;
  renderTable();
  renderCharts();
}, 250);

window.addEventListener('message', (event: MessageEvent) => {
  const m: unknown = event.data;
  if (!isStreamToPage(m)) return;
  switch (m.type) {
    case 'init':
      kind = m.kind;
      title.textContent = m.title;
      desc.textContent = m.description;
      decodeBtn.hidden = m.decodeAs !== true;
      charts.hidden = false;
      histBox.hidden = true;
      break;
    case 'batch':
      addRecords(m.records);
      for (const [s, n] of m.rate) rate.add(s, n);
      setCounts(m.counts);
      vscode.postMessage({ type: 'ack', seq: m.seq });
      break;
    case 'counts':
      for (const [s, n] of m.rate) rate.add(s, n);
      setCounts(m.counts);
      dirty = true;
      break;
    case 'maps':
      renderMaps(m.maps, m.skipped ?? []);
      break;
    case 'state':
      setState(m.state, m.message);
      break;
  }
});

window.addEventListener('resize', () => {
  rateChart.setSize({ width: width(rateBox), height: 180 });
  histChart.setSize({ width: width(histBox), height: 180 });
});

setState('starting', 'Starting…');
vscode.postMessage({ type: 'ready' });

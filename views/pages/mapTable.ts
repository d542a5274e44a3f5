// The map table page (runs in the webview): a virtualized table over rows the host sends in windows,
// with filter, sort, add/edit/delete and export buttons that ask the host to act.
import { isMapTableToPage, MAX_WINDOW, type MapMeta, type PageToMapTable, type WireColumn, type WireRow } from '../protocol/mapTable';
import { covers, visibleRange } from '../model/virtual';
import { button, el } from './dom';

declare function acquireVsCodeApi(): { postMessage(m: PageToMapTable): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

const ROW_H = 24;
let meta: MapMeta | undefined;
let columns: WireColumn[] = [];
let editable = false;
let ofMaps = false;
let have = { start: 0, rows: [] as WireRow[] };
let total = 0;
let matched = 0;
let sort: { column: number; desc: boolean } | undefined;
let requested = { start: -1, count: 0 };

const header = el('header');
const title = el('h1');
const info = el('p', '', 'info');
const toolbar = el('div', undefined, 'toolbar');
const filter = el('input');
filter.type = 'search';
filter.id = 'filter';
filter.placeholder = 'Filter: text, or column>=N, column=text';
const status = el('span', '', 'status');
status.id = 'status';
const addBtn = button('Add entry', () => vscode.postMessage({ type: 'add' }), 'Create or replace an entry', 'primary');
toolbar.append(filter, addBtn, button('Export JSON', () => vscode.postMessage({ type: 'export', format: 'json' })), button('Export CSV', () => vscode.postMessage({ type: 'export', format: 'csv' })), button('Refresh', () => vscode.postMessage({ type: 'refresh' })), status);
header.append(title, info, toolbar);
const banner = el('div', '', 'banner');
banner.id = 'banner';
banner.hidden = true;
const thead = el('div', undefined, 'thead');
const scroller = el('div', undefined, 'scroller');
scroller.id = 'rows';
const spacer = el('div', undefined, 'spacer');
scroller.append(spacer);
const empty = el('p', '', 'empty');
empty.hidden = true;
app.append(header, banner, thead, scroller, empty);

let filterTimer: ReturnType<typeof setTimeout> | undefined;
filter.addEventListener('input', () => {
  if (filterTimer) clearTimeout(filterTimer);
  filterTimer = setTimeout(sendQuery, 150);
});

function sendQuery(): void {
  scroller.scrollTop = 0;
  requested = { start: -1, count: 0 };
  vscode.postMessage({ type: 'query', filter: filter.value, ...(sort ? { sort } : {}) });
}

function gridTemplate(): string {
  return [...columns.map((c) => (c.numeric ? 'minmax(90px, 1fr)' : 'minmax(120px, 2fr)')), ...(editable || ofMaps ? ['90px'] : [])].join(' ');
}

function renderHead(): void {
  thead.replaceChildren();
  thead.style.gridTemplateColumns = gridTemplate();
  columns.forEach((c, i) => {
    const h = el('div', c.name + (sort?.column === i ? (sort.desc ? ' ▼' : ' ▲') : ''), `th ${c.group}${c.numeric ? ' num' : ''}`);
    h.title = `Sort by ${c.name}`;
    h.addEventListener('click', () => {
      sort = sort?.column === i ? { column: i, desc: !sort.desc } : { column: i, desc: c.numeric };
      renderHead();
      sendQuery();
    });
    thead.append(h);
  });
  if (editable || ofMaps) thead.append(el('div', '', 'th'));
}

function render(): void {
  spacer.style.height = `${matched * ROW_H}px`;
  const range = visibleRange(scroller.scrollTop, scroller.clientHeight, ROW_H, matched, 10);
  if (!covers(have.start, have.start + have.rows.length, range) && (requested.start !== Math.max(0, range.start - 40))) {
    const start = Math.max(0, range.start - 40);
    requested = { start, count: Math.min(MAX_WINDOW, range.end - start + 80) };
    vscode.postMessage({ type: 'window', start, count: requested.count });
  }
  const frag = document.createDocumentFragment();
  const tpl = gridTemplate();
  for (let i = range.start; i < range.end; i++) {
    const r = have.rows[i - have.start];
    const row = el('div', undefined, 'tr');
    row.style.gridTemplateColumns = tpl;
    row.style.transform = `translateY(${i * ROW_H}px)`;
    if (!r) {
      row.append(el('div', '…', 'td'));
    } else {
      row.dataset.key = r.keyHex;
      r.cells.forEach((c, j) => {
        const td = el('div', c, `td ${columns[j]?.group ?? ''}${columns[j]?.numeric ? ' num' : ''}`);
        td.title = c;
        row.append(td);
      });
      if (editable) {
        const actions = el('div', undefined, 'td actions');
        actions.append(button('Edit', () => vscode.postMessage({ type: 'edit', keyHex: r.keyHex }), 'Edit this value'), button('Delete', () => vscode.postMessage({ type: 'delete', keyHex: r.keyHex }), 'Delete this entry'));
        row.append(actions);
      } else if (ofMaps && r.innerMapId !== undefined) {
        const id = r.innerMapId;
        const actions = el('div', undefined, 'td actions');
        actions.append(button('Open', () => vscode.postMessage({ type: 'openMap', id }), `Open inner map ${id}`));
        row.append(actions);
      }
    }
    frag.append(row);
  }
  spacer.replaceChildren(frag);
  empty.hidden = matched > 0;
  empty.textContent = total === 0 ? 'The map has no entries yet. They appear here as the program adds them (refreshed every second).' : 'No entries match the filter.';
}

scroller.addEventListener('scroll', () => requestAnimationFrame(render));
window.addEventListener('resize', () => requestAnimationFrame(render));

window.addEventListener('message', (event: MessageEvent) => {
  const m: unknown = event.data;
  if (!isMapTableToPage(m)) return;
  switch (m.type) {
    case 'meta':
      meta = m.map;
      columns = m.columns;
      editable = m.editable;
      ofMaps = m.ofMaps;
      addBtn.hidden = !editable;
      title.textContent = `${meta.name}`;
      info.textContent = [`id ${meta.id}`, meta.type, `key ${meta.keySize} B`, `value ${meta.valueSize} B`, `max ${meta.maxEntries} entries`, meta.btf ? 'BTF-decoded' : 'no BTF: hex', meta.object && `object ${meta.object}`].filter(Boolean).join(' · ');
      if (sort && sort.column >= columns.length) sort = undefined;
      renderHead();
      render();
      break;
    case 'rows':
      banner.hidden = m.errors.length === 0;
      banner.className = 'banner warn';
      banner.textContent = m.errors.length ? `Some entries could not be read: ${m.errors.join('; ')}` : '';
      have = { start: m.start, rows: m.rows };
      requested = { start: -1, count: 0 };
      total = m.total;
      matched = m.matched;
      status.textContent = `${total} entr${total === 1 ? 'y' : 'ies'}${matched !== total ? `, ${matched} shown` : ''} · updated ${new Date(m.updatedAt).toLocaleTimeString()}`;
      render();
      break;
    case 'gone':
      banner.hidden = false;
      banner.className = 'banner gone';
      banner.id = 'banner';
      banner.textContent = m.message;
      app.classList.add('gone');
      for (const b of Array.from(toolbar.querySelectorAll('button'))) if (!/Export/.test(b.textContent ?? '')) (b as HTMLButtonElement).disabled = true;
      break;
    case 'error':
      banner.hidden = false;
      banner.className = 'banner error';
      banner.textContent = `Reading the map failed: ${m.message}`;
      break;
  }
});

vscode.postMessage({ type: 'ready' });

// DOM helpers the webview pages share: elements built with textContent, never innerHTML.
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

export function button(text: string, onClick: () => void, title?: string, cls?: string): HTMLButtonElement {
  const b = el('button', text, cls);
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

/** A codicon (from @vscode/codicons, shipped in media/dist) with a label for screen readers. */
export function codicon(name: string, label: string, cls = 'mark'): HTMLSpanElement {
  const e = el('span', undefined, `${cls} codicon codicon-${name}`);
  e.setAttribute('role', 'img');
  e.setAttribute('aria-label', label);
  e.title = label;
  return e;
}

// The guest's tracepoints (pure): the listing script's output parsed into categories → events, and the
// Tracepoints view's filter.

/** Prints "category/event/" per tracepoint; plain sh globbing, so busybox is enough. */
export const LIST_SCRIPT = 'cd "$1" && for d in */*/; do echo "$d"; done';

export interface TracepointCategory {
  name: string;
  events: string[];
}

export function parseTracepointList(text: string): TracepointCategory[] {
  const cats = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)\/$/.exec(line.trim());
    if (!m) continue;
    let list = cats.get(m[1]);
    if (!list) cats.set(m[1], (list = []));
    list.push(m[2]);
  }
  return [...cats].map(([name, events]) => ({ name, events: events.sort() })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Categories and events matching `filter`: every word must occur in "category:event" (case-insensitive);
 * a category whose name matches keeps all its events.
 */
export function filterTracepoints(cats: readonly TracepointCategory[], filter: string): TracepointCategory[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return cats.slice();
  const out: TracepointCategory[] = [];
  for (const c of cats) {
    const events = c.events.filter((e) => words.every((w) => `${c.name}:${e}`.toLowerCase().includes(w)));
    if (events.length) out.push({ name: c.name, events });
  }
  return out;
}

// Tracepoint catalogue for the Tracepoints view: categories and events from the guest's tracefs
// available_events, and one event's format file parsed.
import type { AgentClient } from '../agent/client';
import { readEventFormat, TRACEFS } from './trace';
import type { EventFormat } from './tracefs';

export interface TracepointCategory {
  name: string;
  /** Event names, sorted. */
  events: string[];
}

/** "sched:sched_process_exec" lines → categories sorted by name; malformed lines are skipped. */
export function parseAvailableEvents(text: string): TracepointCategory[] {
  const byCat = new Map<string, Set<string>>();
  for (const raw of text.split('\n')) {
    const m = /^([A-Za-z0-9_]+):([A-Za-z0-9_]+)$/.exec(raw.trim());
    if (!m) continue;
    let s = byCat.get(m[1]);
    if (!s) byCat.set(m[1], (s = new Set()));
    s.add(m[2]);
  }
  return [...byCat.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, evs]) => ({ name, events: [...evs].sort() }));
}

/** Categories whose name, or events whose "category:event", contain `filter` (case-insensitive). */
export function filterTracepoints(cats: TracepointCategory[], filter: string): TracepointCategory[] {
  const f = filter.trim().toLowerCase();
  if (!f) return cats;
  const out: TracepointCategory[] = [];
  for (const c of cats) {
    if (c.name.toLowerCase().includes(f)) out.push(c);
    else {
      const events = c.events.filter((e) => `${c.name}:${e}`.toLowerCase().includes(f));
      if (events.length) out.push({ name: c.name, events });
    }
  }
  return out;
}

/** Every tracepoint the guest kernel offers. */
export async function listTracepoints(agent: Pick<AgentClient, 'readFile'>): Promise<TracepointCategory[]> {
  const r = await agent.readFile(`${TRACEFS}/available_events`, { maxBytes: 4 << 20 });
  return parseAvailableEvents(r.data.toString('utf8'));
}

/** An event's fields (name, C type, offset, size, signedness) and print format, from its tracefs format file. */
export function tracepointFormat(agent: Pick<AgentClient, 'run'>, spec: string): Promise<EventFormat> {
  return readEventFormat(agent, spec);
}

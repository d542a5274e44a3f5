// Virtualized-list math shared by the webview pages (pure): which rows to render for a scroll position.

export interface RowRange {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
}

/** Rows visible at scrollTop in a viewport, plus `overscan` rows either side, clamped to [0, total). */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 10): RowRange {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total - 1, first - overscan));
  const end = Math.min(total, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}

/** True when the rows in hand [haveStart, haveEnd) cover `need`: no new request is needed. */
export function covers(haveStart: number, haveEnd: number, need: RowRange): boolean {
  return need.start >= haveStart && need.end <= haveEnd;
}

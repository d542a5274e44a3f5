// A one-line progress bar on stderr for long CLI work; plain log lines when stderr is not a terminal.
import type { CliIO } from './command';

export interface Progress {
  /** fraction in 0..1, or undefined for indeterminate work. */
  update(label: string, fraction?: number): void;
  done(label?: string): void;
}

export function cliProgress(io: CliIO, quiet = false): Progress {
  let last = '';
  const width = 24;
  return {
    update(label, fraction) {
      if (quiet) return;
      if (!io.interactive) {
        if (label !== last) io.err(`${label}\n`);
        last = label;
        return;
      }
      const bar = fraction === undefined
        ? ''
        : `[${'#'.repeat(Math.round(Math.max(0, Math.min(1, fraction)) * width)).padEnd(width, '.')}] ${Math.round(fraction * 100).toString().padStart(3)}% `;
      io.err(`\r\x1b[2K${bar}${label}`);
      last = label;
    },
    done(label) {
      if (quiet) return;
      if (io.interactive) io.err(`\r\x1b[2K${label ? label + '\n' : ''}`);
      else if (label) io.err(`${label}\n`);
    },
  };
}

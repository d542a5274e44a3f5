// The guest's stage 2 stops restarting an agent that keeps exiting and says so on the serial console
// (RING0-AGENT-GAVE-UP, after the agent's stderr lines): parse that, so a boot fails fast with the reason.

export interface AgentGaveUp {
  status: number;
  exits: number;
  /** The agent's last stderr lines, newest run last, without repeats. */
  stderr: string[];
}

const MARK = /^RING0-AGENT-GAVE-UP status=(\d+) exits=(\d+)\s*$/m;

export function parseAgentGaveUp(serial: string): AgentGaveUp | undefined {
  const m = MARK.exec(serial);
  if (!m) return undefined;
  const before = serial.slice(0, m.index).split('\n');
  const stderr: string[] = [];
  for (const raw of before) {
    const s = /^ring0-agent-stderr: (.*)$/.exec(raw.replace(/\r$/, ''));
    if (s && !stderr.includes(s[1])) stderr.push(s[1]);
  }
  return { status: Number(m[1]), exits: Number(m[2]), stderr: stderr.slice(-8) };
}

export function gaveUpMessage(g: AgentGaveUp, missingOptions: readonly string[] = []): string {
  const why = g.stderr.length ? `; it said:\n  ${g.stderr.join('\n  ')}` : ' without a message';
  const cfg = missingOptions.length
    ? `\nThe kernel's .config lacks options Ring0's guest needs: ${missingOptions.map((o) => `CONFIG_${o}`).join(', ')} (\`ring0 kernel config\` sets them)`
    : /Function not implemented|ENOSYS/.test(g.stderr.join('\n'))
      ? '\nA system call the agent uses is missing from this kernel: build it with Ring0\'s fragment (`ring0 kernel config`), which turns on SIGNALFD, EVENTFD, EPOLL, TIMERFD, FUTEX, …'
      : '';
  return `the guest agent exited ${g.exits} times in a row right after starting (last status ${g.status}), so the guest stopped restarting it${why}${cfg}`;
}

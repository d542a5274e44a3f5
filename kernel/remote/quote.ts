// Quoting for the remote's POSIX shell: sshd hands an exec request's command line to the login shell,
// so every argument goes in single quotes (a ' inside written as '\'').
const SAFE = /^[A-Za-z0-9_\/.,:=+@%^-]+$/;

export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('an argument for the remote shell cannot contain a NUL byte');
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('no command to run');
  return argv.map(shellQuote).join(' ');
}

// Asks the person at the terminal (a key's passphrase, a keyboard-interactive prompt); no terminal, no answer.
import readline from 'node:readline';
import { Writable } from 'node:stream';

export function terminalPrompt(): ((question: string, secret: boolean) => Promise<string | undefined>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return (question, secret) => new Promise((resolve) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _enc, cb) {
        if (!muted) process.stderr.write(chunk);
        cb();
      },
    });
    const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      if (secret) process.stderr.write('\n');
      resolve(answer);
    });
    muted = secret;
    rl.on('SIGINT', () => {
      rl.close();
      resolve(undefined);
    });
  });
}

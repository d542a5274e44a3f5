// Reads bytes of an ELF file by virtual address from its section headers only (a debug vmlinux is
// ~600 MB: it is never read whole), e.g. the linux_banner a vmlinux was built with.
import { closeSync, openSync, readSync } from 'node:fs';

const SHT_NOBITS = 8;

function read(fd: number, offset: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  const n = readSync(fd, b, 0, length, offset);
  return b.subarray(0, n);
}

/** Up to LENGTH bytes at ADDRESS (fewer at its section's end) as the file holds them; undefined when no section of the file holds that address. */
export function readElfAt(file: string, address: bigint, length: number): Buffer | undefined {
  const fd = openSync(file, 'r');
  try {
    const h = read(fd, 0, 64);
    if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return undefined;
    const shoff = Number(h.readBigUInt64LE(0x28));
    const shentsize = h.readUInt16LE(0x3a);
    const shnum = h.readUInt16LE(0x3c);
    const table = read(fd, shoff, shentsize * shnum);
    for (let i = 0; i < shnum; i++) {
      const s = table.subarray(i * shentsize, (i + 1) * shentsize);
      if (s.length < 0x28 || s.readUInt32LE(4) === SHT_NOBITS) continue;
      const addr = s.readBigUInt64LE(0x10);
      const size = s.readBigUInt64LE(0x20);
      if (addr === 0n || address < addr || address >= addr + size) continue;
      const n = Number(addr + size - address);
      return read(fd, Number(s.readBigUInt64LE(0x18) + (address - addr)), Math.min(length, n));
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A NUL-terminated banner as text (up to its first newline). */
export function bannerText(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('latin1').split('\n')[0];
}

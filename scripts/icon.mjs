// Renders the marketplace icon media/ring0.png (128×128) from media/icon.svg with librsvg's
// rsvg-convert (Debian package librsvg2-bin). Run after editing the SVG; the PNG is committed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync('rsvg-convert', ['-w', '128', '-h', '128', '-o', path.join(root, 'media', 'ring0.png'), path.join(root, 'media', 'icon.svg')], { stdio: 'inherit' });
if (r.error) {
  console.error(`rsvg-convert: ${r.error.message} (apt-get install librsvg2-bin)`);
  process.exit(1);
}
process.exit(r.status ?? 1);

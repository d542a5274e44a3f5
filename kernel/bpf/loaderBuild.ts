// Compiles the static ring0-bpf-loader (libbpf) from kernel/guest/loader into Ring0's cache.
import { ensureStaticBinary, findGuestSources, type StaticLibrary } from '../util/staticBuild';

export { StaticBuildError as LoaderBuildError } from '../util/staticBuild';

export const LOADER_CFLAGS: readonly string[] = ['-static', '-O2', '-Wall', '-Wextra'];
/** Link order matters for static archives: libbpf needs libelf, libelf needs zlib. */
export const LOADER_LIBS: readonly StaticLibrary[] = [
  { name: 'bpf', debianPackage: 'libbpf-dev' },
  { name: 'elf', debianPackage: 'libelf-dev' },
  { name: 'z', debianPackage: 'zlib1g-dev' },
];
export const LOADER_PACKAGES: readonly string[] = ['gcc', 'libc6-dev', ...LOADER_LIBS.map((l) => l.debianPackage)];

export interface EnsureLoaderOptions {
  /** Ring0's cache directory; the binary goes in <cacheDir>/bpf-loader/. */
  cacheDir: string;
  /** The loader's C sources (kernel/guest/loader in the repo; wherever the packaged extension puts them). */
  sourceDir?: string;
  /** C compiler; default RING0_CC or gcc. */
  cc?: string;
}

/** kernel/guest/loader next to this module: compiled (out/kernel/bpf) or bundled (dist/). */
export function defaultLoaderSourceDir(): string {
  return findGuestSources(__dirname, 'loader', 'ring0-bpf-loader.c', 'the BPF loader sources');
}

/** Path of a static ring0-bpf-loader built from the sources; compiles (~1 s) only when no cached build matches. */
export function ensureLoaderBinary(opts: EnsureLoaderOptions): Promise<string> {
  return ensureStaticBinary({
    what: 'the BPF loader (ring0-bpf-loader)',
    binName: 'ring0-bpf-loader',
    subdir: 'bpf-loader',
    cacheDir: opts.cacheDir,
    sourceDir: opts.sourceDir ?? defaultLoaderSourceDir(),
    mainSource: 'ring0-bpf-loader.c',
    cflags: LOADER_CFLAGS,
    libs: LOADER_LIBS,
    cc: opts.cc ?? process.env.RING0_CC ?? 'gcc',
    compilerPackages: ['gcc', 'libc6-dev'],
  });
}

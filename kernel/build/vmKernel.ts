// The kernel a workspace's VM boots (ring0.vm.kernel, else Debian's cloud kernel): builds target its
// headers and BTF.
import { readWorkspaceVmSettings } from '../vm/settings';
import { customKernel, findDefaultKernel, type KernelImage } from '../vm/kernelImage';
import { resolveOwnKernel } from '../vm/ownKernel';

/** `setting` is ring0.vm.kernel as a client resolved it (VS Code's layers); else the workspace's settings.json. */
export function vmKernelFor(workspace: string, warn: (m: string) => void = () => undefined, setting = readWorkspaceVmSettings(workspace, warn).kernel): KernelImage {
  // Your own build ("build", its bzImage or directory): modules build in its O= directory, BPF uses its BTF.
  const own = resolveOwnKernel(setting, workspace);
  if (own) return own;
  if (setting) return customKernel(setting);
  const k = findDefaultKernel();
  if (!k) throw new Error("no kernel to build against: Debian's cloud kernel is not installed (run `ring0 setup`), or set ring0.vm.kernel / pass --kernel-tree DIR");
  return k;
}

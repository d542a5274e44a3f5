// The lab catalog as the Labs view and dashboard show it: labs, broken manifests, this workspace's
// progress and the per-track summary.
import type { CatalogLab } from './catalog';
import type { Progress } from './progress';
import type { TrackSummary } from './status';

export interface LabsSnapshot {
  workspace: string | undefined;
  labs: CatalogLab[];
  /** Broken manifests, one message each. */
  errors: string[];
  progress: Progress;
  tracks: TrackSummary[];
}

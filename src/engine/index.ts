/** The engine's public API: everything the front ends and the stores need, and nothing more. */
export { switchLinks } from './switch-links.js';
export { readStatus } from './status.js';
export { nextBackupSuffix, numberedBackups } from './history.js';
export type { LinkStatus, BackupStatus } from './status.js';
export { switchFleet, statusFleet, FleetError } from './fleet.js';
export type { FleetMember, FleetReport, FleetStatus, HostReport } from './fleet.js';
export { MIN_LOCK_TIMEOUT_SECONDS } from './dir-lock.js';
export {
  parseSpec,
  parseSpecText,
  parseLinkLines,
  linkOnly,
  isSpecText,
  linkInto,
  checkSpec,
  checkExpect,
  quote,
} from './specs.js';
export {
  AtomicLinkError,
  UsageError,
  UpdateError,
  MissingLinkError,
  InterruptedError,
  StoreLostError,
  describeError,
} from './errors.js';
export type * from './types.js';
export type * from './port.js';
export { isFailure } from './port.js';
export {
  count,
  describeGuard,
  describeResult,
  describeStatus,
  inertJson,
  oneLine,
} from './report-text.js';

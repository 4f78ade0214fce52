/** The engine's public API: everything the front ends and the stores need, and nothing more. */
export { switchLinks } from './switch-links.js';
export { switchFleet, FleetError } from './fleet.js';
export type { FleetMember, FleetReport, HostReport } from './fleet.js';
export { MIN_LOCK_TIMEOUT_SECONDS } from './dir-lock.js';
export { parseSpec, parseSpecText, isSpecText, linkInto, checkSpec, quote } from './specs.js';
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
export { describeGuard, describeResult, inertJson, oneLine } from './report-text.js';

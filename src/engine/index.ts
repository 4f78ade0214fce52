/** The engine's public API: everything the CLI and the action need, and nothing more. */
export { switchLinks } from './switch-links.js';
export { parseSpec, parseSpecText, isSpecText, linkInto, checkSpec } from './specs.js';
export {
  AtomicLinkError,
  UsageError,
  UpdateError,
  MissingLinkError,
  describeError,
} from './errors.js';
export type * from './types.js';
export { describeResult, resultStatus } from './report-text.js';
export { UNCACHED_OPTIONS, mountSshfs, unmountFuse } from './sshfs-view.js';

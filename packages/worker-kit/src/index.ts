export * from './errors';
export * from './types';
export * from './consumer';
export * from './app';
export * from './dead-letter';
export { DEFAULT_DONE_MARK_TTL_SECONDS, DoneMarks } from './done-marks';
export { createGather, runsWithin, sendTogetherOrEach, type Gather, type GatherOptions, type Outcome } from './gather';

export * from './errors';
export * from './types';
export * from './consumer';
export * from './app';
export * from './dead-letter';
export { DoneMarks } from './done-marks';

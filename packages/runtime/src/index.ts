export * from './batcher';
export * from './deadline';
export * from './env';
export * from './logger';
export * from './redis';

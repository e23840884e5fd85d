export * from './webhooks/types';
export * from './webhooks/schemas';
export * from './events';
export * from './catalog';
export * from './tracking';
export * from './errors';
export * from './alerts';
export * from './inbox';

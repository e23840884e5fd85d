import { FormatRegistry } from '@sinclair/typebox';

// TypeBox checks a `format` only when it is registered: an unregistered one fails every value. Registered once
// here so every compiler (ingress TypeCompiler, worker-kit Value.Check) accepts what the schemas declare.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));
}

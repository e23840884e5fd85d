import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { CommonEnv, EnvError, Port, csv, parseEnv } from './env';

const Schema = Type.Object({
  ...CommonEnv,
  PORT: Port(3000),
  SECRET: Type.String({ minLength: 1 }),
  RATE: Type.Integer({ minimum: 0, default: 5 }),
});

describe('parseEnv', () => {
  it('applies defaults and converts numbers', () => {
    expect(parseEnv(Schema, { SECRET: 's', PORT: '8080' })).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: 'herohooks',
      LOG_LEVEL: 'info',
      PORT: 8080,
      RATE: 5,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnv(Schema, { SECRET: 's', PORT: '' }).PORT).toBe(3000);
  });

  it('names every problem in one line without echoing any value', () => {
    const attempt = () => parseEnv(Schema, { PORT: 'seventy', LOG_LEVEL: 'loud', REDIS_URL: 'http://hunter2@x' });
    expect(attempt).toThrow(EnvError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
    })()!;
    expect(message).toMatch(/^invalid environment: /);
    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL');
    expect(message).toContain('SECRET');
    expect(message).not.toContain('hunter2');
    expect(message.split('\n')).toHaveLength(1);
  });

  it.each(['1.5', '1e3', '0x10', '7.0'])('refuses %j for an integer instead of rounding it', (raw) => {
    expect(() => parseEnv(Schema, { SECRET: 's', RATE: raw })).toThrow('RATE must be a whole number');
  });
});

describe('csv', () => {
  it('splits, trims and drops empty items', () => {
    expect(csv(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(csv(undefined)).toEqual([]);
  });
});

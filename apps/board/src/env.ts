import { CommonEnv, Port } from '@herohooks/runtime';
import { Type, type Static } from '@sinclair/typebox';

export const MIN_PASSWORD_LENGTH = 12;

export const BoardEnv = Type.Object({
  ...CommonEnv,
  BOARD_USERNAME: Type.String({ minLength: 1 }),
  BOARD_PASSWORD: Type.String({ minLength: MIN_PASSWORD_LENGTH }),
  BOARD_PORT: Port(3001),
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
});
export type BoardEnv = Static<typeof BoardEnv>;

import type { Command } from '../command';
import { send } from './send';

/** Every CLI verb; one file each in this folder. */
export const commands: Command[] = [send];

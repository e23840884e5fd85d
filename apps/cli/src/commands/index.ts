import type { Command } from '../command';
import { dlq } from './dlq';
import { email } from './email';
import { ledger } from './ledger';
import { queues } from './queues';
import { register } from './register';
import { send } from './send';
import { slack } from './slack';

/** Every CLI verb; one file each in this folder. */
export const commands: Command[] = [send, queues, dlq, email, register, slack, ledger];

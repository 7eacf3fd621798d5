/**
 * commands/index.ts: every mqadmin sub command, in the order `mqadmin` lists them. One file per
 * command, named after it (kebab-case); the name each declares is RocketMQ's.
 */
import type { AdminCommand } from '../command.js';
import { topicListCommand } from './topic-list.js';
import { topicRouteCommand } from './topic-route.js';

export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  topicListCommand,
  topicRouteCommand,
];

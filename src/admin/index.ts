/** admin/: mqadmin, RocketMQ's admin CLI, on the client SDK's transport. */
export { runMqadmin, findCommand, type AdminIo } from './cli.js';
export { AdminClient } from './admin-client.js';
export { AdminError, type AdminCommand, type AdminContext, type OptionSpec, type OptionValues } from './command.js';
export { ADMIN_COMMANDS } from './commands/index.js';
export { javaFormat } from './java-format.js';

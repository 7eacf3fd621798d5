/**
 * bin/mqadmin.ts: `mqadmin <command> [options]`, RocketMQ's admin CLI (see admin/cli.ts). Logs of
 * the client go to stderr at "warn" unless LOG_LEVEL says otherwise.
 */
import { runMqadmin } from '../admin/index.js';
import { createLogger } from '../log/index.js';

const logger = createLogger({ destination: 2, level: process.env['LOG_LEVEL'] ?? 'warn' });
runMqadmin(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  logger,
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`mqadmin: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

/**
 * cli.ts: `mqadmin <command> [options]` (RocketMQ's MQAdminStartup): command names match without
 * regard to case, `mqadmin help <command>` prints the usage, `-n` or NAMESRV_ADDR gives the name
 * servers, `-h` prints the usage. Unlike Java, a failure prints one line and exits non-zero; a
 * stack trace appears only for a bug.
 */
import type { Logger } from '../log/index.js';
import { AdminClient } from './admin-client.js';
import { AdminError, option, type AdminCommand, type OptionSpec } from './command.js';
import { ADMIN_COMMANDS } from './commands/index.js';
import { javaFormat } from './java-format.js';
import { formatHelp, OptionError, parseOptions } from './options-parser.js';

/** The options every command has (ServerUtil.buildCommandlineOptions). */
const COMMON_OPTIONS: readonly OptionSpec[] = [
  option.flag('h', 'help', 'Print help'),
  option.optional('n', 'namesrvAddr', "Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'"),
];

export interface AdminIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly now?: () => number;
}

export function findCommand(name: string, commands: readonly AdminCommand[] = ADMIN_COMMANDS): AdminCommand | undefined {
  const wanted = name.toLowerCase();
  return commands.find((command) => command.name.toLowerCase() === wanted);
}

function optionsOf(command: AdminCommand): OptionSpec[] {
  return [...COMMON_OPTIONS, ...command.options];
}

function commandList(commands: readonly AdminCommand[]): string {
  const lines = commands.map((command) => javaFormat('   %-35s %s', command.name, command.description));
  return `The most commonly used mqadmin commands are:\n${lines.join('\n')}\n\nSee 'mqadmin help <command>' for more information on a specific command.\n`;
}

/** Runs mqadmin with `argv` (the arguments after "mqadmin"); resolves the exit status. */
export async function runMqadmin(argv: readonly string[], io: AdminIo, commands: readonly AdminCommand[] = ADMIN_COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stdout(commandList(commands));
    return 0;
  }
  if (name.toLowerCase() === 'help' && rest.length === 1) {
    const command = findCommand(rest[0] ?? '', commands);
    if (command === undefined) {
      io.stderr(`The sub command ${rest[0]} not exist.\n`);
      return 1;
    }
    io.stdout(`${formatHelp(`mqadmin ${command.name}`, optionsOf(command))}\n`);
    return 0;
  }
  const command = findCommand(name, commands);
  if (command === undefined) {
    io.stderr(`The sub command ${name} not exist.\n`);
    return 1;
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: AdminCommand, args: readonly string[], io: AdminIo): Promise<number> {
  const specs = optionsOf(command);
  let values;
  try {
    values = parseOptions(specs, args);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    io.stderr(`${error.message}\n${formatHelp(`mqadmin ${command.name}`, specs)}\n`);
    return 1;
  }
  if (values['help'] === true) {
    io.stdout(`${formatHelp(`mqadmin ${command.name}`, specs)}\n`);
    return 0;
  }
  const namesrv = typeof values['namesrvAddr'] === 'string' ? values['namesrvAddr'] : (io.env['NAMESRV_ADDR'] ?? '');
  const namesrvAddrs = namesrv.split(';').map((part) => part.trim()).filter((part) => part.length > 0);
  const admin = new AdminClient(namesrvAddrs, io.logger);
  try {
    await command.run(
      { admin, out: (line) => io.stdout(`${line}\n`), err: (line) => io.stderr(`${line}\n`), now: io.now ?? Date.now },
      values,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    io.stderr(`${command.name} command failed: ${error.message}\n`);
    return 1;
  } finally {
    await admin.close();
  }
}

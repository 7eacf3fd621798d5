import assert from 'node:assert/strict';
import { test } from 'node:test';
import { option } from './command.js';
import { formatHelp, OptionError, parseOptions } from './options-parser.js';

const specs = [
  option.flag('h', 'help', 'Print help'),
  option.optional('n', 'namesrvAddr', "Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'"),
  option.required('t', 'topic', 'topic name'),
  option.optional('cc', 'clusterCount', 'a multi-letter short name'),
  option.flag('l', 'list', 'Use list format to print data'),
];

test('options-parser - reads short, glued, long, long=value and multi-letter options as commons-cli does', () => {
  assert.deepEqual(parseOptions(specs, ['-t', 'A', '-n', '1.2.3.4:9876']), { topic: 'A', namesrvAddr: '1.2.3.4:9876' });
  assert.deepEqual(parseOptions(specs, ['-tA', '-l']), { topic: 'A', list: true });
  assert.deepEqual(parseOptions(specs, ['--topic', 'A', '--namesrvAddr=h:1']), { topic: 'A', namesrvAddr: 'h:1' });
  assert.deepEqual(parseOptions(specs, ['-t', 'A', '-cc', '3']), { topic: 'A', clusterCount: '3' });
});

test('options-parser - unknown options, missing values, stray arguments and missing required options are errors', () => {
  assert.throws(() => parseOptions(specs, ['-t', 'A', '-x']), new OptionError('Unrecognized option: -x'));
  assert.throws(() => parseOptions(specs, ['-t']), new OptionError('Missing argument for option: t'));
  assert.throws(() => parseOptions(specs, ['-t', 'A', 'stray']), new OptionError('Unrecognized argument: stray'));
  assert.throws(() => parseOptions(specs, ['-l']), new OptionError('Missing required option: t'));
  assert.throws(() => parseOptions(specs, ['-t', 'A', '--list=yes']), new OptionError('Option list takes no value'));
});

test('options-parser - help is commons-cli\'s: usage line, then options sorted by short name', () => {
  assert.equal(
    formatHelp('mqadmin topicRoute', specs),
    [
      'usage: mqadmin topicRoute [-cc <arg>] [-h] [-l] [-n <arg>] -t <arg>',
      ' -cc,--clusterCount <arg>   a multi-letter short name',
      ' -h,--help                  Print help',
      ' -l,--list                  Use list format to print data',
      " -n,--namesrvAddr <arg>     Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'",
      ' -t,--topic <arg>           topic name',
    ].join('\n'),
  );
});

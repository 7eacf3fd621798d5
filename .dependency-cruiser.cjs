// Who may import whom (../shared/STYLE.md, "Who may import whom"). Folders are the architecture:
// each rule below names a folder and the only folders it may reach. bin/ is the wiring and may reach all.
const allowed = {
  message: [],
  time: [],
  log: [],
  config: [],
  protocol: ['message'],
  remoting: ['protocol', 'log'],
  store: ['message', 'time', 'log', 'config'],
  namesrv: ['protocol', 'remoting', 'time', 'log', 'config'],
  broker: ['protocol', 'remoting', 'store', 'message', 'time', 'log', 'config'],
  client: ['protocol', 'remoting', 'message', 'time', 'log'],
  admin: ['client', 'protocol', 'remoting', 'message', 'log'],
  dashboard: ['admin', 'client', 'log'],
};

const folders = Object.keys(allowed);
const forbidden = folders.map((folder) => ({
  name: `${folder}-imports`,
  comment: `src/${folder} may import only: ${allowed[folder].join(', ') || 'nothing outside itself'}`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${folder}/`, ...allowed[folder].map((dep) => `^src/${dep}/`)],
  },
}));

forbidden.push(
  {
    name: 'folder-through-index',
    comment: 'Reach another folder only through its index.ts',
    severity: 'error',
    from: { path: '^src/([^/]+)/' },
    to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
  },
  {
    name: 'no-circular',
    severity: 'error',
    from: {},
    to: { circular: true },
  },
  {
    name: 'production-not-to-test',
    comment: 'Production code never imports tests or test harnesses',
    severity: 'error',
    from: { path: '^src/', pathNot: '\\.test\\.ts$' },
    to: { path: ['\\.test\\.ts$', '^test/'] },
  },
  {
    name: 'pure-codecs-no-io',
    comment: 'message/ and protocol/ are pure: no sockets, files or processes',
    severity: 'error',
    from: { path: '^src/(message|protocol)/', pathNot: '\\.test\\.ts$' },
    to: { dependencyTypes: ['core'], path: '^(net|fs|fs/promises|child_process|dgram|http|https|node:net|node:fs|node:fs/promises|node:child_process)$' },
  },
  {
    name: 'net-only-in-remoting',
    comment: 'remoting/ is the only importer of node:net',
    severity: 'error',
    from: { path: '^src/', pathNot: ['^src/remoting/', '\\.test\\.ts$'] },
    to: { dependencyTypes: ['core'], path: '^(node:)?net$' },
  },
);

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^dist' },
  },
};

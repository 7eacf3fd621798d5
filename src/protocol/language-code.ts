/**
 * language-code.ts: the `language` of a remoting header (LanguageCode.java). JSON headers carry
 * the name, ROCKETMQ binary headers the byte code (the index in this list).
 */
export const LANGUAGE_CODES = [
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
] as const;

export type LanguageCode = (typeof LANGUAGE_CODES)[number];

export function languageFromByte(code: number): string {
  return LANGUAGE_CODES[code] ?? 'OTHER';
}

export function languageToByte(name: string): number {
  const index = (LANGUAGE_CODES as readonly string[]).indexOf(name);
  return index < 0 ? LANGUAGE_CODES.indexOf('OTHER') : index;
}

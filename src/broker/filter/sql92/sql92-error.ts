/**
 * sql92-error.ts: why an SQL92 filter expression was refused, and where. `position` is the
 * 0-based offset of the offending text; the message names it as line and column (1-based), as
 * RocketMQ's JavaCC parser does, so a remark points at the spot: "at line 1, column 4: ...".
 */
export class Sql92Error extends Error {
  override name = 'Sql92Error';

  constructor(
    readonly reason: string,
    readonly position: number,
    readonly expression: string,
  ) {
    super(`at ${describePosition(expression, position)}: ${reason}`);
  }
}

/** "line 1, column 7" for an offset into `text`. */
export function describePosition(text: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(position, 0), text.length);
  for (let at = 0; at < end; at++) {
    const char = text.charCodeAt(at);
    const crlf = char === 0x0d && text.charCodeAt(at + 1) === 0x0a;
    if ((char === 0x0a || char === 0x0d) && !crlf) {
      line++;
      lineStart = at + 1;
    }
  }
  return `line ${line}, column ${end - lineStart + 1}`;
}

import assert from 'node:assert/strict';
import { createLineSplitter, MAX_LINE_CHARS } from '../src/index.js';

function split(chunks: (string | Buffer)[]): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

describe('createLineSplitter', () => {
  const cases: [string, (string | Buffer)[], string[]][] = [
    ['lines in one chunk', ['a\nb\n'], ['a', 'b']],
    ['a line across chunks', ['hel', 'lo\nwor', 'ld\n'], ['hello', 'world']],
    ['CRLF line ends', ['a\r\nb\r\n'], ['a', 'b']],
    ['a last line without newline', ['a\nb'], ['a', 'b']],
    ['empty lines are kept', ['\n\nx\n'], ['', '', 'x']],
    ['a UTF-8 character split between chunks', [Buffer.from([0x67, 0x72, 0xc3]), Buffer.from([0xbc, 0x0a])], ['grü']],
    ['invalid bytes become replacement characters', [Buffer.from([0x61, 0xff, 0x0a])], ['a\ufffd']],
    ['nothing at all', [], []],
  ];
  for (const [name, chunks, expected] of cases) {
    it(name, () => assert.deepEqual(split(chunks), expected));
  }

  it('cuts a line longer than the contract allows into pieces, losing nothing', () => {
    const long = 'y'.repeat(MAX_LINE_CHARS * 2 + 10);
    const lines = split([`${long}\n`]);
    assert.deepEqual(lines.map((line) => line.length), [MAX_LINE_CHARS, MAX_LINE_CHARS, 10]);
    assert.equal(lines.join(''), long);
  });

  it('does not hold a never-ending line in memory', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.write('z'.repeat(MAX_LINE_CHARS + 5));
    assert.equal(lines.length, 1, 'the first full piece is emitted before any newline');
  });
});

// Node's canonical JSON: JSON.stringify(JSON.parse(text)).
//
// stdin holds one input per line: a JSON string literal whose value is the
// document's text, or, with --files, a file path whose bytes are read as
// UTF-8. For each input, one line on stdout:
//   "ok\t" + JSON.stringify(JSON.parse(text))   (never holds a raw newline)
//   "error\t" + the message JSON.parse threw, whitespace folded to spaces
'use strict';
const fs = require('fs');

const files = process.argv.includes('--files');
const lines = fs.readFileSync(0, 'utf8').split('\n');
if (lines[lines.length - 1] === '') lines.pop();

const out = [];
for (const line of lines) {
  const text = files ? fs.readFileSync(line, 'utf8') : JSON.parse(line);
  try {
    out.push('ok\t' + JSON.stringify(JSON.parse(text)));
  } catch (e) {
    out.push('error\t' + String(e && e.message).replace(/\s+/g, ' '));
  }
}
process.stdout.write(out.join('\n') + '\n');

// ECMAScript Number::toString, as String(x) computes it.
//
// stdin holds one double per line as 16 hex digits (its IEEE 754 bits,
// big-endian), so nothing is lost in transit; stdout gets String(x) for each.
'use strict';
const fs = require('fs');

const lines = fs.readFileSync(0, 'latin1').split('\n');
if (lines[lines.length - 1] === '') lines.pop();

const view = new DataView(new ArrayBuffer(8));
const out = new Array(lines.length);
for (let i = 0; i < lines.length; i++) {
  const bits = lines[i];
  if (!/^[0-9a-f]{16}$/.test(bits)) throw new Error('not 16 hex digits: ' + bits);
  view.setUint32(0, parseInt(bits.slice(0, 8), 16));
  view.setUint32(4, parseInt(bits.slice(8), 16));
  out[i] = String(view.getFloat64(0));
}
process.stdout.write(out.join('\n') + '\n');

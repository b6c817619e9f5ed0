// Prints the modules survey/static/js/qr.js draws for the cases on stdin (JSON list of
// {text, level, version, mask}), one string of 0/1 per row; used by tests/unit/test_qr_module.py.
import { readFileSync } from 'node:fs';
import { qrModules } from '../../survey/static/js/qr.js';

const cases = JSON.parse(readFileSync(0, 'utf8'));
const rows = cases.map((c) => qrModules(c.text, c).map((row) => row.map((d) => (d ? '1' : '0')).join('')));
process.stdout.write(JSON.stringify(rows));

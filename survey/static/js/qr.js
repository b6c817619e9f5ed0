/**
 * QR codes (ISO/IEC 18004, model 2) drawn in the browser, for links that must never reach the
 * server (「在其他设备继续」 carries the officer's anonymous token). Byte mode only, error
 * correction level L or M, versions 1–40. Loaded only when the officer asks for such a code.
 *
 * The tables are the standard's (ISO/IEC 18004 Table 9); tests/unit/test_qr_module.py compares
 * every module of the result with segno's for the same version, level and mask.
 * @module qr
 */

// Error correction codewords per block, and number of blocks, for versions 1..40.
const ECC_PER_BLOCK = {
  L: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30,
    30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
};
const BLOCKS = {
  L: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14,
    15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25,
    26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
};
// The two bits of the level in the format information (L = 01, M = 00).
const LEVEL_BITS = { L: 1, M: 0 };

const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** Modules left for data and error correction once the function patterns are placed. */
function rawModules(ver) {
  let n = (16 * ver + 128) * ver + 64;
  if (ver >= 2) {
    const align = Math.floor(ver / 7) + 2;
    n -= (25 * align - 10) * align - 55;
    if (ver >= 7) n -= 36;
  }
  return n;
}

const dataCodewords = (ver, level) =>
  Math.floor(rawModules(ver) / 8) - ECC_PER_BLOCK[level][ver - 1] * BLOCKS[level][ver - 1];

function alignmentPositions(ver) {
  if (ver === 1) return [];
  const count = Math.floor(ver / 7) + 2;
  const step = ver === 32 ? 26 : Math.ceil((ver * 4 + 4) / (count * 2 - 2)) * 2;
  const positions = [6];
  for (let pos = ver * 4 + 10; positions.length < count; pos -= step) positions.splice(1, 0, pos);
  return positions;
}

// Reed–Solomon over GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d).
function gfMul(x, y) {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z;
}

function rsDivisor(degree) {
  const result = new Array(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = gfMul(result[j], root);
      if (j + 1 < degree) result[j] ^= result[j + 1];
    }
    root = gfMul(root, 2);
  }
  return result;
}

function rsRemainder(data, divisor) {
  const result = divisor.map(() => 0);
  for (const b of data) {
    const factor = b ^ result.shift();
    result.push(0);
    divisor.forEach((coef, i) => {
      result[i] ^= gfMul(coef, factor);
    });
  }
  return result;
}

/** The data codewords: mode, length, bytes, terminator and padding. */
function dataBits(bytes, ver, level) {
  const bits = [];
  const put = (value, n) => {
    for (let i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  const capacity = dataCodewords(ver, level) * 8;
  put(4, 4); // byte mode
  put(bytes.length, ver < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, capacity - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) put(pad, 8);
  const codewords = [];
  for (let i = 0; i < bits.length; i += 8) codewords.push(parseInt(bits.slice(i, i + 8).join(''), 2));
  return codewords;
}

/** Split into blocks, add error correction to each, interleave (ISO/IEC 18004 §7.6). */
function interleave(data, ver, level) {
  const count = BLOCKS[level][ver - 1];
  const eccLen = ECC_PER_BLOCK[level][ver - 1];
  const raw = Math.floor(rawModules(ver) / 8);
  const short = count - (raw % count);
  const shortLen = Math.floor(raw / count);
  const divisor = rsDivisor(eccLen);
  const blocks = [];
  for (let i = 0, k = 0; i < count; i++) {
    const part = data.slice(k, k + shortLen - eccLen + (i < short ? 0 : 1));
    k += part.length;
    const ecc = rsRemainder(part, divisor);
    if (i < short) part.push(0);
    blocks.push(part.concat(ecc));
  }
  const result = [];
  for (let i = 0; i < blocks[0].length; i++) {
    blocks.forEach((block, j) => {
      if (i !== shortLen - eccLen || j >= short) result.push(block[i]);
    });
  }
  return result;
}

class Grid {
  constructor(ver) {
    this.size = ver * 4 + 17;
    this.dark = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
    this.fixed = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
  }

  set(x, y, dark) {
    this.dark[y][x] = dark;
    this.fixed[y][x] = true;
  }

  functionPatterns(ver) {
    const size = this.size;
    for (let i = 0; i < size; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const d = Math.max(Math.abs(dx), Math.abs(dy));
          const x = cx + dx;
          const y = cy + dy;
          if (x >= 0 && x < size && y >= 0 && y < size) this.set(x, y, d !== 2 && d !== 4);
        }
      }
    }
    const align = alignmentPositions(ver);
    const last = align.length - 1;
    align.forEach((cx, i) => {
      align.forEach((cy, j) => {
        if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
        for (let dy = -2; dy <= 2; dy++) {
          for (let dx = -2; dx <= 2; dx++) this.set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
        }
      });
    });
    this.format(0, 0); // reserved now, written once the mask is known
    if (ver >= 7) this.version(ver);
  }

  format(levelBits, mask) {
    const data = (levelBits << 3) | mask;
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const bits = ((data << 10) | rem) ^ 0x5412;
    const bit = (i) => ((bits >>> i) & 1) === 1;
    const size = this.size;
    for (let i = 0; i <= 5; i++) this.set(8, i, bit(i));
    this.set(8, 7, bit(6));
    this.set(8, 8, bit(7));
    this.set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) this.set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) this.set(size - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) this.set(8, size - 15 + i, bit(i));
    this.set(8, size - 8, true); // the dark module
  }

  version(ver) {
    let rem = ver;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
    const bits = (ver << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = this.size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      this.set(a, b, dark);
      this.set(b, a, dark);
    }
  }

  codewords(data) {
    const size = this.size;
    let i = 0;
    for (let right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      const upward = ((right + 1) & 2) === 0;
      for (let vert = 0; vert < size; vert++) {
        for (let j = 0; j < 2; j++) {
          const x = right - j;
          const y = upward ? size - 1 - vert : vert;
          if (this.fixed[y][x] || i >= data.length * 8) continue;
          this.dark[y][x] = ((data[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
          i++;
        }
      }
    }
  }

  masked(mask) {
    const rows = this.dark.map((row, y) =>
      row.map((dark, x) => (this.fixed[y][x] ? dark : dark !== MASKS[mask](x, y))),
    );
    return rows;
  }
}

/** The standard's penalty score (ISO/IEC 18004 §7.8.3): lower reads more reliably. */
function penalty(rows) {
  const size = rows.length;
  const column = (x) => rows.map((row) => row[x]);
  const lines = rows.concat(rows.map((_, x) => column(x)));
  let score = 0;
  const finder = [true, false, true, true, true, false, true];
  for (const line of lines) {
    for (let i = 0, run = 1; i < size; i++) {
      run = i > 0 && line[i] === line[i - 1] ? run + 1 : 1;
      if (run === 5) score += 3;
      else if (run > 5) score += 1;
    }
    for (let i = 0; i + 7 <= size; i++) {
      if (!finder.every((dark, k) => line[i + k] === dark)) continue;
      const lightBefore = [1, 2, 3, 4].every((k) => i - k < 0 || !line[i - k]);
      const lightAfter = [7, 8, 9, 10].every((k) => i + k >= size || !line[i + k]);
      if (lightBefore && i >= 4) score += 40;
      if (lightAfter && i + 11 <= size) score += 40;
    }
  }
  let dark = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (rows[y][x]) dark++;
      if (x + 1 < size && y + 1 < size) {
        const c = rows[y][x];
        if (rows[y][x + 1] === c && rows[y + 1][x] === c && rows[y + 1][x + 1] === c) score += 3;
      }
    }
  }
  const total = size * size;
  score += Math.floor(Math.abs(dark * 20 - total * 10) / total) * 10;
  return score;
}

/**
 * The modules of a QR code for `text` (UTF-8, byte mode): rows of booleans, true for dark.
 * `options.version` and `options.mask` fix those choices (for tests); by default the smallest
 * version that holds the text and the mask with the lowest penalty are used.
 * @param {string} text
 * @param {{level?: 'L'|'M', version?: number, mask?: number}} [options]
 * @returns {boolean[][]}
 */
export function qrModules(text, options = {}) {
  const level = options.level || 'L';
  const bytes = new TextEncoder().encode(text);
  let ver = options.version || 1;
  const fits = (v) => 4 + (v < 10 ? 8 : 16) + bytes.length * 8 <= dataCodewords(v, level) * 8;
  while (!options.version && ver < 40 && !fits(ver)) ver++;
  if (!fits(ver)) throw new RangeError('qr: text too long for this version');
  const grid = new Grid(ver);
  grid.functionPatterns(ver);
  grid.codewords(interleave(dataBits(bytes, ver, level), ver, level));
  const choices = options.mask === undefined ? [0, 1, 2, 3, 4, 5, 6, 7] : [options.mask];
  let best = null;
  for (const mask of choices) {
    grid.format(LEVEL_BITS[level], mask);
    const rows = grid.masked(mask);
    const score = choices.length > 1 ? penalty(rows) : 0;
    if (!best || score < best.score) best = { rows, score };
  }
  return best.rows;
}

/**
 * An <svg> element of the code, with a quiet zone of four modules; scales to its box.
 * @param {Document} doc
 * @param {string} text
 * @param {string} label the accessible name of the image
 */
export function qrSvg(doc, text, label) {
  const rows = qrModules(text);
  const size = rows.length + 8;
  let path = '';
  rows.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x + 4} ${y + 4}h1v1h-1z`;
    });
  });
  const ns = 'http://www.w3.org/2000/svg';
  const svg = doc.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const back = svg.appendChild(doc.createElementNS(ns, 'rect'));
  back.setAttribute('width', String(size));
  back.setAttribute('height', String(size));
  back.setAttribute('fill', '#fff');
  const ink = svg.appendChild(doc.createElementNS(ns, 'path'));
  ink.setAttribute('d', path);
  ink.setAttribute('fill', '#000');
  return svg;
}

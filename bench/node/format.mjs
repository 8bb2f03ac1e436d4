// Number formatting shared by the bench/node/summarize-*.mjs scripts.

/** Nanoseconds as ns, µs or ms with two decimals above a microsecond. */
export function time(ns) {
  if (ns >= 1e6) return `${fixed(ns / 1e6, 2)} ms`;
  if (ns >= 1e3) return `${fixed(ns / 1e3, 2)} µs`;
  return `${fixed(ns, 1)} ns`;
}

/** A rounded count with thousands separators. */
export function count(value) {
  return Math.round(value).toLocaleString('en-US');
}

export function fixed(value, digits = 1) {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

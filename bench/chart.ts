import type { LocalResult } from './local.js';

const COLORS = ['#222222', '#1f77b4', '#6baed6', '#2ca02c', '#d62728', '#9467bd'];

/** A log-log chart of per-link cost against N, one line per contender, as SVG. */
export function perLinkChart(results: LocalResult[], title: string): string {
  const width = 760;
  const height = 420;
  const margin = { left: 70, right: 250, top: 40, bottom: 50 };
  const names = [...new Set(results.map((result) => result.name))];
  const counts = [...new Set(results.map((result) => result.count))].sort((a, b) => a - b);
  const costs = results.map((result) => result.perLinkMicros);
  const [xMin, xMax] = [Math.log10(counts[0]), Math.log10(counts.at(-1) as number)];
  const [yMin, yMax] = [
    Math.floor(Math.log10(Math.min(...costs))),
    Math.ceil(Math.log10(Math.max(...costs))),
  ];
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (count: number) =>
    margin.left + ((Math.log10(count) - xMin) / (xMax - xMin || 1)) * plotWidth;
  const y = (micros: number) =>
    margin.top + plotHeight - ((Math.log10(micros) - yMin) / (yMax - yMin || 1)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left}" y="22" font-size="14">${title}</text>`,
  ];
  for (let power = yMin; power <= yMax; power++) {
    const at = y(10 ** power);
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${at}" y2="${at}" stroke="#ddd"/>`,
      `<text x="${margin.left - 8}" y="${at + 4}" text-anchor="end">${10 ** power} µs</text>`,
    );
  }
  for (const count of counts) {
    parts.push(
      `<text x="${x(count)}" y="${height - margin.bottom + 18}" text-anchor="middle">${count.toLocaleString('en')}</text>`,
    );
  }
  parts.push(
    `<text x="${margin.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">links switched in one run (N)</text>`,
    `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">wall time per link</text>`,
  );
  names.forEach((name, index) => {
    const color = COLORS[index % COLORS.length];
    const points = results
      .filter((result) => result.name === name)
      .sort((a, b) => a.count - b.count)
      .map((result) => `${x(result.count).toFixed(1)},${y(result.perLinkMicros).toFixed(1)}`);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`,
    );
    for (const point of points) {
      const [cx, cy] = point.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
    }
    const legendY = margin.top + 10 + index * 20;
    parts.push(
      `<line x1="${width - margin.right + 15}" x2="${width - margin.right + 40}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${width - margin.right + 46}" y="${legendY + 4}">${name}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

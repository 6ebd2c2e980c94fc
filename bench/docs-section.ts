import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Rewrites one benchmark's section of a markdown file: the text between
 * `<!-- name:start -->` and `<!-- name:end -->` becomes `body`, every other
 * section stays. Without the markers, the section is appended under `heading`.
 */
export function writeMarkedSection(file: string | URL, name: string, body: string, heading: string): void {
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const doc = readFileSync(file, 'utf8');
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  const section = `${start}\n${body}\n${end}`;
  writeFileSync(file, i >= 0 && j > i ? `${doc.slice(0, i)}${section}${doc.slice(j + end.length)}` : `${doc.trimEnd()}\n\n${heading}\n\n${section}\n`);
}

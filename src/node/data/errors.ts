import { AttuneError } from '../../errors.js';

/**
 * A data file could not be used. The message starts with `file:line:` so a
 * shop engineer can jump straight to the offending row.
 *
 * @example
 * try {
 *   loadCsvDataset('data/my-shop');
 * } catch (e) {
 *   if (e instanceof DataError) console.error(`fix ${e.file} line ${e.line}: ${e.message}`);
 * }
 */
export class DataError extends AttuneError {
  /** The file that could not be used. */
  readonly file: string;
  /** 1-based line number in the file, or 0 when the problem is the whole file. */
  readonly line: number;
  constructor(file: string, line: number, problem: string) {
    super('invalid-data', line > 0 ? `${file}:${line}: ${problem}` : `${file}: ${problem}`);
    this.name = 'DataError';
    this.file = file;
    this.line = line;
  }
}

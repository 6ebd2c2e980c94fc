import type { TrainProgress } from '../node/train/options.js';

const fmtTime = (s: number): string => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

/**
 * A live progress line on stderr: rewritten in place with '\r' on a terminal,
 * one line every few seconds otherwise (CI logs stay readable).
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000): { update(p: TrainProgress): void; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const line = `train ${p.iteration}/${p.iterations} · ${p.tasks} tasks · ${p.tasksPerSecond.toFixed(1)} tasks/s · loss ${p.loss.toFixed(4)} · ETA ${fmtTime(p.etaSeconds)}`;
      const now = Date.now();
      if (stream.isTTY) {
        stream.write(`\r${line}\x1b[K`);
        drawn = true;
      } else if (now - last >= everyMs || p.iteration === p.iterations) {
        stream.write(line + '\n');
        last = now;
      }
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}

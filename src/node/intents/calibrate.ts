/**
 * Chooses the out-of-scope threshold on validation data: the cut on the top
 * softmax probability with the best accuracy over every validation question,
 * where an in-scope question counts when it is answered with the right
 * intent and an out-of-scope one when it is refused. Ties go to the lower
 * threshold (fewer needless hand-overs).
 *
 * @example
 * const { threshold } = calibrateThreshold([{ confidence: 0.9, correct: true }, { confidence: 0.3, correct: false }], [0.2, 0.35]);
 */
export function calibrateThreshold(inScope: readonly { confidence: number; correct: boolean }[], outOfScope: readonly number[]): {
  /** The chosen cut on the top probability. */
  threshold: number;
  /** Share of in-scope questions answered correctly at that cut. */
  inScopeAccuracy: number;
  /** Share of out-of-scope questions refused at that cut. */
  oosRecall: number;
} {
  const candidates = [0, ...new Set([...inScope.map((r) => r.confidence), ...outOfScope])].sort((a, b) => a - b);
  const total = inScope.length + outOfScope.length;
  let best = { threshold: 0, inScopeAccuracy: 0, oosRecall: 0, score: -1 };
  for (const t of candidates) {
    const right = inScope.filter((r) => r.correct && r.confidence >= t).length;
    const refused = outOfScope.filter((c) => c < t).length;
    const score = (right + refused) / Math.max(1, total);
    if (score > best.score + 1e-12) {
      best = { threshold: t, inScopeAccuracy: inScope.length ? right / inScope.length : 0, oosRecall: outOfScope.length ? refused / outOfScope.length : 0, score };
    }
  }
  return { threshold: best.threshold, inScopeAccuracy: best.inScopeAccuracy, oosRecall: best.oosRecall };
}

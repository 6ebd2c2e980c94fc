/**
 * The demo's "Ask us" box: the shop's FAQ answered on the device by an
 * attune assistant (the intent bundle demo/public/bundles/ask, built by
 * `npm run bundle:default`). A visitor can teach it a new phrasing: the
 * question and its topic are stored in this browser's IndexedDB and used
 * from the next answer on. Questions are never sent anywhere.
 */
import { createAssistant, type Assistant, type WasmPaths } from 'attune';
import { byTestId, renderAnswer, renderTopics } from './view.js';

const BUNDLE = '/bundles/ask/';
const FAQ = '/ask/faq.json';

async function loadFaq(): Promise<Record<string, string>> {
  const response = await fetch(FAQ);
  if (!response.ok) throw new Error(`${FAQ}: HTTP ${response.status} — run \`npm run bundle:default\` (npm start does)`);
  return (await response.json()) as Record<string, string>;
}

/** Starts the assistant and wires the box; errors are shown in the box's hint, never thrown. */
export async function startAsk(wasmPaths: WasmPaths, onError: (err: unknown) => void): Promise<Assistant | null> {
  const hint = byTestId('ask-hint');
  const input = byTestId('ask-input') as HTMLInputElement;
  const submit = byTestId('ask-submit') as HTMLButtonElement;
  const answerBox = byTestId('ask-answer');
  const teach = byTestId('ask-teach') as HTMLFormElement;
  const topics = byTestId('ask-teach-intent') as HTMLSelectElement;
  let assistant: Assistant;
  let faq: Record<string, string>;
  try {
    [faq, assistant] = await Promise.all([loadFaq(), createAssistant({ bundle: BUNDLE, wasmPaths, dbName: 'attune-demo-ask' })]);
  } catch (err) {
    hint.textContent = 'The question box is unavailable.';
    onError(err);
    return null;
  }
  hint.textContent = 'Answered on this device from our FAQ: your question is never sent anywhere.';
  input.disabled = false;
  submit.disabled = false;
  let last: string | null = null;

  const ask = async (question: string): Promise<void> => {
    const started = performance.now();
    const a = await assistant.answer(question);
    const ms = performance.now() - started;
    last = question;
    renderAnswer(answerBox, {
      answer: a.intent === null ? null : (faq[a.intent] ?? `(no FAQ text for ${a.intent})`),
      intent: a.intent,
      confidence: a.confidence,
      alternatives: a.alternatives.map((x) => x.intent),
    });
    answerBox.title = `${ms.toFixed(1)} ms on ${assistant.backend}`;
    renderTopics(topics, assistant.intents(), a.intent ?? a.alternatives[0]?.intent ?? null);
    teach.hidden = false;
  };

  byTestId('ask-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (question.length === 0) return;
    ask(question).catch(onError);
  });
  teach.addEventListener('submit', (event) => {
    event.preventDefault();
    const question = last;
    const intent = topics.value;
    if (question === null || !intent) return;
    assistant
      .teach(question, intent)
      .then(() => ask(question))
      .then(() => {
        hint.textContent = 'Thanks — learned on this device (stored in this browser only).';
      })
      .catch(onError);
  });
  return assistant;
}

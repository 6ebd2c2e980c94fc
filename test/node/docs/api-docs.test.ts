import { fileURLToPath } from 'node:url';
import { Application, type DeclarationReflection, ReflectionKind, type Comment, type ProjectReflection } from 'typedoc';
import { describe, expect, it } from 'vitest';

/**
 * The API reference promise (issue 8): every public function, method and option field exported from
 * the two entry points carries a TSDoc summary and an `@example`; every other exported item and member
 * carries a summary. TypeDoc is run on the sources (no output written) and the reflections are walked.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function convertProject(): Promise<ProjectReflection> {
  const app = await Application.bootstrap({
    entryPoints: [`${root}src/index.ts`, `${root}src/node.ts`],
    tsconfig: `${root}tsconfig.build.json`,
    excludePrivate: true,
    excludeInternal: true,
    logLevel: 'Error',
    validation: { notExported: false, invalidLink: false, notDocumented: false },
  });
  const project = await app.convert();
  if (!project) throw new Error('typedoc could not convert the entry points');
  return project;
}

const hasText = (c: Comment | undefined): boolean => !!c && c.summary.some((p) => p.text.trim() !== '');
const hasExample = (c: Comment | undefined): boolean => !!c && c.blockTags.some((t) => t.tag === '@example');

/** A reflection's comments: its own and its signatures' (functions and methods keep theirs on the signature). */
function comments(r: DeclarationReflection): (Comment | undefined)[] {
  const sigs = r.signatures ?? (r.type?.type === 'reflection' ? r.type.declaration.signatures : undefined) ?? [];
  return [r.comment, ...sigs.map((s) => s.comment)];
}

/** Properties and methods of an interface, class or object type alias, declared in this repo's sources. */
function membersOf(r: DeclarationReflection): DeclarationReflection[] {
  const decl = r.children ?? (r.type?.type === 'reflection' ? r.type.declaration.children : undefined) ?? [];
  return decl.filter((m) => {
    if (m.kindOf(ReflectionKind.Constructor)) return false;
    const file = m.sources?.[0]?.fullFileName ?? m.sources?.[0]?.fileName ?? '';
    return file.includes('/src/') || file.startsWith('src/');
  });
}

const isCallable = (r: DeclarationReflection): boolean =>
  r.kindOf(ReflectionKind.Function | ReflectionKind.Method) ||
  (r.type?.type === 'reflection' && (r.type.declaration.signatures?.length ?? 0) > 0);

interface Gap {
  name: string;
  /** Where it is declared, `src/file.ts:line`. */
  at: string;
  missing: 'summary' | '@example';
}

function audit(project: ProjectReflection): Gap[] {
  const gaps: Gap[] = [];
  const need = (name: string, r: DeclarationReflection, example: boolean) => {
    const cs = comments(r);
    const source = r.sources?.[0];
    const at = source ? `${source.fileName.replace(/^.*?src\//, 'src/')}:${source.line}` : '?';
    if (!cs.some(hasText)) gaps.push({ name, at, missing: 'summary' });
    if (example && !cs.some(hasExample)) gaps.push({ name, at, missing: '@example' });
  };
  for (const mod of project.children ?? []) {
    for (const item of mod.children ?? []) {
      if (item.kindOf(ReflectionKind.Reference)) continue;
      const name = `${mod.name}.${item.name}`;
      need(name, item, isCallable(item));
      if (!item.kindOf(ReflectionKind.Interface | ReflectionKind.Class | ReflectionKind.TypeAlias)) continue;
      const isOptions = /Options$/.test(item.name);
      for (const m of membersOf(item)) need(`${name}.${m.name}`, m, isCallable(m) || isOptions);
    }
  }
  return gaps;
}

describe('API reference (TSDoc on the public entry points)', () => {
  it('documents every export, with an @example for every function, method and option field', async () => {
    const gaps = audit(await convertProject());
    const report = gaps.map((g) => `${g.name} (${g.at}): no ${g.missing}`);
    expect(report).toEqual([]);
  });
});

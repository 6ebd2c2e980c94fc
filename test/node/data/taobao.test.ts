import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTaobao, loadTaobao, taobaoDir } from '../../../src/node/data/taobao.js';

function folder(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'attune-taobao-'));
  writeFileSync(join(dir, 'UserBehavior.csv'), text);
  return dir;
}

describe('Taobao loader on hand-made files', () => {
  const complete = '1,100,7,pv,1511544070\n1,101,8,fav,1511544071\n2,100,7,cart,1511544072\r\n2,102,9,buy,1511544073\n\n3,101,8,pv,1511544074\n';

  it('maps behaviors in funnel order, lists items by first appearance, keeps a categorical category, and scales seconds to ms', () => {
    const data = loadTaobao(folder(complete));
    expect(data.feedback).toBe('implicit');
    expect(data.items.map((i) => i.id)).toEqual(['100', '101', '102']);
    expect(data.items[1]?.features).toEqual({ category: '8' });
    expect(data.features).toEqual([{ name: 'category', kind: 'categorical', vocab: ['7', '8', '9'] }]);
    expect(data.interactions.map((e) => e.type)).toEqual(['view', 'click', 'add_to_cart', 'purchase', 'view']);
    expect(data.interactions[2]).toEqual({ user: '2', itemIndex: 0, type: 'add_to_cart', ts: 1511544072000 });
    expect(data.interactions).toHaveLength(5);
  });

  it("drops the cut last line and its user's other lines from a truncated file", () => {
    // No final line break: the last line is cut, so user 3's history may be incomplete.
    const data = loadTaobao(folder(`${complete}3,102,9,pv,1511544075\n3,10`));
    expect(new Set(data.interactions.map((e) => e.user))).toEqual(new Set(['1', '2']));
    expect(data.interactions).toHaveLength(4);
    // The cut line starts a new user (4): user 3 is complete and stays.
    expect(loadTaobao(folder(`${complete}3,102,9,pv,1511544075\n4,100,7,p`)).interactions).toHaveLength(6);
    // The cut may have split the user id itself ("3" could be the start of "31"): user 3 goes too.
    expect(loadTaobao(folder(`${complete}3,102,9,pv,1511544075\n3`)).interactions).toHaveLength(4);
    // Asked explicitly, a complete file is trimmed the same way.
    expect(loadTaobao(folder(complete), { truncated: true }).interactions.map((e) => e.user)).toEqual(['1', '1', '2', '2']);
  });

  const cases: [string, string, RegExp][] = [
    ['a missing field', '1,100,7,pv,1511544070\n1,101,pv,1511544071\n', /UserBehavior\.csv:2: expected 5 fields \(user,item,category,behavior,timestamp\), found 4/],
    ['an unknown behavior', '1,100,7,pv,1511544070\n1,101,8,like,1511544071\n', /UserBehavior\.csv:2: unknown behavior "like"; valid: pv, fav, cart, buy/],
    ['a non-numeric timestamp', '1,100,7,pv,1511544070\n\n1,101,8,pv,noon\n', /UserBehavior\.csv:3: timestamp "noon" is not a number of seconds/],
    ['an empty item id', '1,,7,pv,1511544070\n', /UserBehavior\.csv:1: empty item id/],
    ['an empty user id', ',100,7,pv,1511544070\n', /UserBehavior\.csv:1: empty user id/],
    ['an empty file', '', /UserBehavior\.csv: no events/],
  ];
  for (const [name, text, message] of cases) {
    it(`rejects ${name} naming file, line and problem`, () => {
      expect(() => loadTaobao(folder(text))).toThrow(message);
    });
  }

  it('reads the cut last line when told the file is complete, and says what is wrong with it', () => {
    expect(() => loadTaobao(folder(`${complete}4,100,7,p`), { truncated: false })).toThrow(/UserBehavior\.csv:7: expected 5 fields/);
  });

  it('says where to get the data when the file is missing', () => {
    expect(() => loadTaobao(mkdtempSync(join(tmpdir(), 'attune-taobao-')))).toThrow(/UserBehavior\.csv: file not found \(Taobao UserBehavior: https:\/\/tianchi/);
  });
});

const present = hasTaobao();
if (!present && process.env.CI === 'true') throw new Error(`the Taobao sample is missing at ${taobaoDir()} (CI=true requires it; set ATTUNE_DATA)`);
if (!present) console.warn(`skipping the real-file Taobao test: no UserBehavior.csv at ${taobaoDir()} (see data/README: taobao-userbehavior-sample, Tianchi dataset 649; set ATTUNE_DATA to its parent folder)`);

describe.skipIf(!present)('Taobao loader on the shared sample', () => {
  it('reads 814 complete visitors and drops the cut user 100370', () => {
    const data = loadTaobao();
    const users = new Set(data.interactions.map((e) => e.user));
    expect(users.size).toBe(814);
    expect(users.has('100370')).toBe(false);
    // 84,476 lines − 189 of user 100370 (188 whole lines and the cut one) = 84,287 events.
    expect(data.interactions).toHaveLength(84_287);
    expect(data.items).toHaveLength(55_233);
    expect(data.interactions[0]).toEqual({ user: '1', itemIndex: 0, type: 'view', ts: 1_511_544_070_000 });
    expect(data.items[0]).toEqual({ id: '2268318', features: { category: '2520377' }, display: {} });
    const types: Record<string, number> = {};
    for (const e of data.interactions) types[e.type] = (types[e.type] ?? 0) + 1;
    expect(types).toEqual({ view: 75_693, click: 2_351, add_to_cart: 4_494, purchase: 1_749 });
  });
});

import { describe, expect, it } from 'vitest';
import { type ChainedEntry, ChainVerifier, entryHash, GENESIS_HASH } from './audit-chain.js';

const fields = (id: number) => ({
  id,
  at: 1_800_000_000_000 + id,
  actorKeyId: 'key_1',
  actorName: 'Ann (operator)',
  role: 'operator',
  action: 'alert.read',
  targetType: 'alert',
  targetId: `al_${id}`,
  detail: '{"x":1}',
  ip: '10.0.0.1',
});

const chain = (n: number): ChainedEntry[] => {
  const out: ChainedEntry[] = [];
  let prev = GENESIS_HASH;
  for (let id = 1; id <= n; id++) {
    const hash = entryHash(fields(id), prev);
    out.push({ ...fields(id), prevHash: prev, hash });
    prev = hash;
  }
  return out;
};

const run = (entries: ChainedEntry[], head: ChainedEntry | undefined) => {
  const v = new ChainVerifier({
    anchorId: null,
    anchorHash: null,
    headId: head?.id ?? null,
    headHash: head?.hash ?? GENESIS_HASH,
  });
  for (const e of entries) {
    const broken = v.next(e);
    if (broken) return broken;
  }
  return v.end();
};

describe('audit chain', () => {
  it('hashes a fixed serialisation (a change of format would break every stored chain)', () => {
    // sha256 of ["watchpost-audit/1",1,1800000000001,"key_1",…,"10.0.0.1","000…0"], computed with sha256sum
    expect(entryHash(fields(1), GENESIS_HASH)).toBe('623d3530056e036af2b6c568542ff9f277214fb2f448e8e624d6ac936fcef61b');
  });

  it('tells a field from a null and from a neighbouring field', () => {
    const base = fields(1);
    expect(entryHash({ ...base, role: null }, GENESIS_HASH)).not.toBe(entryHash(base, GENESIS_HASH));
    expect(entryHash({ ...base, targetType: 'alert,al_1', targetId: '' }, GENESIS_HASH)).not.toBe(
      entryHash(base, GENESIS_HASH),
    );
  });

  it('passes a whole chain and names the first broken link otherwise', () => {
    const c = chain(4);
    expect(run(c, c[3])).toBeNull();
    expect(run([c[0]!, { ...c[1]!, ip: '10.0.0.2' }, c[2]!, c[3]!], c[3])).toMatchObject({
      id: 2,
      problem: expect.stringMatching(/changed/),
    });
    expect(run([c[0]!, c[2]!, c[3]!], c[3])).toMatchObject({ id: 3, problem: expect.stringMatching(/link broken/) });
    expect(run(c.slice(0, 3), c[3])).toMatchObject({
      id: null,
      problem: expect.stringMatching(/newest entries missing/),
    });
  });
});

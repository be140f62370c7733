import { describe, expect, it } from 'vitest';
import { settingOnce } from '../../src/domain/settings.ts';
import { useRuntime } from '../helpers/runtime.ts';

const t = useRuntime();

describe('settingOnce', () => {
  it('gives every racing caller the one value written first, and fails none', async () => {
    const key = `test.race.${Math.random()}`;
    const values = await Promise.all(Array.from({ length: 8 }, (_, index) => settingOnce(t.runtime.deps.db, key, () => `value ${index}`)));
    expect(new Set(values).size).toBe(1);
    expect((await t.runtime.deps.db.setting.findUniqueOrThrow({ where: { key } })).value).toBe(values[0]);
  });

  it('keeps a stored value and does not make another', async () => {
    const key = `test.kept.${Math.random()}`;
    await settingOnce(t.runtime.deps.db, key, () => 'first');
    let made = false;
    expect(await settingOnce(t.runtime.deps.db, key, () => ((made = true), 'second'))).toBe('first');
    expect(made).toBe(false);
  });
});

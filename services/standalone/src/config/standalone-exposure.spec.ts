import { describe, expect, it } from 'vitest';

import { exposureWarning, loadStandaloneConfig } from './standalone.config';

describe('safe network defaults of npm start', () => {
  it('listens on loopback unless HOST says otherwise', () => {
    expect(loadStandaloneConfig({}).HOST).toBe('127.0.0.1');
    expect(loadStandaloneConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(exposureWarning(loadStandaloneConfig({}))).toBeUndefined();
  });

  it('warns when listening beyond loopback without API_KEYS', () => {
    const warning = exposureWarning(loadStandaloneConfig({ HOST: '0.0.0.0' }));
    expect(warning).toMatch(/without API_KEYS/);
    expect(warning).toMatch(/personal data/);
    expect(exposureWarning(loadStandaloneConfig({ HOST: '10.1.2.3' }))).toBeDefined();
    for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.0.2'])
      expect(exposureWarning(loadStandaloneConfig({ HOST: host }))).toBeUndefined();
  });

  it('does not warn beyond loopback once API_KEYS is set', () => {
    expect(exposureWarning(loadStandaloneConfig({ HOST: '0.0.0.0', API_KEYS: 'k1,k2' }))).toBeUndefined();
  });
});

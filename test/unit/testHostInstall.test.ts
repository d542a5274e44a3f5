// The test-host installer's child npm must not inherit the outer npm's config (its user agent names the outer Node).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { withoutNpmConfig } from '../../kernel/host/testHostInstall';

it('drops npm_* variables inherited from an outer npm run and keeps the rest', () => {
  const env = withoutNpmConfig({ PATH: '/usr/bin', HOME: '/root', npm_config_user_agent: 'npm/11 node/v20.20.2', NPM_CONFIG_PREFIX: '/x', npm_lifecycle_event: 'test' });
  assert.deepEqual(env, { PATH: '/usr/bin', HOME: '/root' });
});

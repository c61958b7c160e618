import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@chatrt/service-kit';
import { loadAuthConfig } from '../src/config.ts';

const ed25519Pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/chat', AUTH_SIGNING_KEY: ed25519Pem };

function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadAuthConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadAuthConfig', () => {
  it('applies defaults', () => {
    const config = loadAuthConfig(base);
    expect(config).toMatchObject({
      natsUrl: 'nats://127.0.0.1:4222',
      databaseUrl: base.DATABASE_URL,
      opsPort: 9101,
      logLevel: 'info',
      sessionTtlSeconds: 604_800,
      sessionTokenTtlSeconds: 900,
    });
    expect(config.signingKey.asymmetricKeyType).toBe('ed25519');
    expect(config.signingKey.type).toBe('private');
  });

  it('reads the service-specific variables', () => {
    const config = loadAuthConfig({
      ...base,
      OPS_PORT: '0',
      SESSION_TTL_SECONDS: '60',
      SESSION_TOKEN_TTL_SECONDS: '30',
    });
    expect(config).toMatchObject({ opsPort: 0, sessionTtlSeconds: 60, sessionTokenTtlSeconds: 30 });
  });

  it('requires DATABASE_URL', () => {
    expect(configError({ AUTH_SIGNING_KEY: ed25519Pem })).toContain('DATABASE_URL');
  });

  it('rejects session token lifetimes outside 5..900 seconds', () => {
    expect(configError({ ...base, SESSION_TOKEN_TTL_SECONDS: '901' })).toContain('SESSION_TOKEN_TTL_SECONDS');
    expect(configError({ ...base, SESSION_TOKEN_TTL_SECONDS: '4' })).toContain('SESSION_TOKEN_TTL_SECONDS');
    expect(configError({ ...base, SESSION_TOKEN_TTL_SECONDS: 'soon' })).toContain('SESSION_TOKEN_TTL_SECONDS');
  });

  it('has no default signing key', () => {
    expect(configError({ DATABASE_URL: base.DATABASE_URL })).toMatch(/AUTH_SIGNING_KEY.*there is no default key/);
    expect(configError({ DATABASE_URL: base.DATABASE_URL, AUTH_SIGNING_KEY: '' })).toContain('no default key');
  });

  it('rejects both a key and a key file', () => {
    expect(configError({ ...base, AUTH_SIGNING_KEY_FILE: '/tmp/key.pem' })).toContain('only one of');
  });

  it('rejects keys that are not Ed25519 private keys, without echoing them', () => {
    const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(configError({ ...base, AUTH_SIGNING_KEY: rsaPem })).toContain('expected an Ed25519 private key, got rsa');
    const garbage = 'not-a-key-SECRET';
    const message = configError({ ...base, AUTH_SIGNING_KEY: garbage });
    expect(message).toContain('not a PEM private key');
    expect(message).not.toContain(garbage);
  });
});

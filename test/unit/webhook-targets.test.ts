import { describe, expect, it } from 'vitest';
import { BlockedAddressError, resolvePublicAddresses } from '../../src/domain/webhooks/target-resolution.ts';
import { blockedAddressRange, urlProblem } from '../../src/domain/webhooks/target.rules.ts';

describe('webhook target rules', () => {
  it('blocks every address that is not public unicast, in IPv4 and IPv6', () => {
    const blocked = [
      '127.0.0.1', '127.1.2.3', '0.0.0.0', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1',
      '224.0.0.1', '255.255.255.255', '192.0.2.1', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', '::ffff:127.0.0.1',
      '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:7f00:1::', 'ff02::1',
    ];
    for (const address of blocked) expect({ address, range: blockedAddressRange(address) }).toEqual({ address, range: expect.any(String) });
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect({ address, range: blockedAddressRange(address) }).toEqual({ address, range: null });
    }
  });

  it('wants https and no credentials; IP literals are judged on their face', () => {
    expect(urlProblem('https://93.184.215.14/hook', false)).toBeNull();
    expect(urlProblem('https://example.com/hook', false)).toBeNull();
    expect(urlProblem('http://example.com/hook', false)).toBe('must be an https URL');
    expect(urlProblem('https://127.0.0.1/hook', false)).toMatch(/loopback/);
    expect(urlProblem('https://[::1]:8443/hook', false)).toMatch(/loopback/);
    expect(urlProblem('https://2130706433/hook', false)).toMatch(/loopback/);
    expect(urlProblem('https://169.254.169.254/latest/meta-data', false)).toMatch(/metadata/);
    expect(urlProblem('https://a:b@example.com/', false)).toMatch(/user name/);
    expect(urlProblem('javascript:alert(1)', false)).toBe('must be an https URL');
    expect(urlProblem('nonsense', false)).toBe('is not a valid URL');
  });

  it('lets WEBHOOK_ALLOW_PRIVATE_URLS through to http and private addresses', () => {
    expect(urlProblem('http://127.0.0.1:9/hook', true)).toBeNull();
    expect(urlProblem('https://10.0.0.1/hook', true)).toBeNull();
    expect(urlProblem('ftp://10.0.0.1/hook', true)).toBe('must be an http or https URL');
  });

  it('refuses a host name that resolves to loopback', async () => {
    await expect(resolvePublicAddresses('localhost')).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(resolvePublicAddresses('[::1]')).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(resolvePublicAddresses('93.184.215.14')).resolves.toEqual([{ address: '93.184.215.14', family: 4 }]);
  });
});

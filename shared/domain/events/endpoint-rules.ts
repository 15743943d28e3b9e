// Where the platform sends webhooks: an absolute https URL on a public host. Never an address inside
// the platform's own network (private, loopback, link-local, reserved ranges) nor `localhost` — a
// webhook must not become a way to make the platform call its own services. The embedded platform
// (WEBHOOK_ALLOW_HTTP_LOOPBACK=true) also sends over plain http to a receiver on the same machine.
// The sender checks the address a host name resolves to by the same rules when it connects.
import { BlockList, isIP } from 'node:net';
import { MAX_SUBSCRIPTION_URL_LENGTH } from '../../contracts/subscriptions.ts';
import { invalid } from '../errors.ts';

export interface EndpointPolicy {
  /** Embedded only: http:// and https:// to 127.0.0.1, ::1 or localhost are allowed. */
  allowLoopback: boolean;
}

const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internal.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  internal.addSubnet(net, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** An IP address the platform may send to (no internal range); loopback too when the policy allows it. */
export function isAllowedAddress(address: string, policy: EndpointPolicy): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // An IPv4 address written as IPv6 (::ffff:a.b.c.d, ::ffff:7f00:1): no public host needs the spelling.
  // (Not a rule of the list: BlockList checks every IPv4 address against an IPv6 rule for ::ffff:0:0/96.)
  if (family === 6 && /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:/i.test(address)) return false;
  if (policy.allowLoopback && loopback.check(address, type)) return true;
  return !internal.check(address, type);
}

function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/** The endpoint URL, checked (SUBSCRIPTION_URL_INVALID, SUBSCRIPTION_URL_NOT_ALLOWED), as the platform will call it. */
export function checkEndpointUrl(raw: string, policy: EndpointPolicy): string {
  const bad = (why: string, whyZh: string) => invalid('SUBSCRIPTION_URL_INVALID', 'url', `接收地址无效：${whyZh}`, `the endpoint URL is invalid: ${why}`);
  const refused = (why: string) =>
    invalid(
      'SUBSCRIPTION_URL_NOT_ALLOWED',
      'url',
      '接收地址不可用：平台不向内网、本机或保留地址推送',
      `the endpoint URL is not allowed: ${why}; the platform sends to public hosts only`,
    );
  if (raw.length > MAX_SUBSCRIPTION_URL_LENGTH) throw bad(`longer than ${MAX_SUBSCRIPTION_URL_LENGTH} characters`, `超过 ${MAX_SUBSCRIPTION_URL_LENGTH} 个字符`);
  if (/\s/.test(raw)) throw bad('it contains white space', '含有空白字符');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad('not an absolute URL', '不是完整的网址');
  }
  if (url.username !== '' || url.password !== '') throw bad('it carries credentials (user:password@)', '网址中不得含用户名或密码');
  if (url.hash !== '') throw bad('it has a fragment (#…)', '网址中不得含片段标识（#）');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') throw bad('no host', '缺少主机名');
  const literal = isIP(host) !== 0;
  const thisMachine = isLocalhostName(host) || (literal && isLoopbackAddress(host));
  if (policy.allowLoopback && thisMachine && (url.protocol === 'http:' || url.protocol === 'https:')) return url.toString();
  if (url.protocol !== 'https:') throw bad(`the scheme ${url.protocol} is not https`, '仅支持 https');
  if (thisMachine) throw refused(`${host} is this machine`);
  if (literal && !isAllowedAddress(host, { allowLoopback: false })) throw refused(`${host} is in an internal address range`);
  if (!literal && !host.includes('.')) throw refused(`"${host}" is not a public host name`);
  return url.toString();
}

function isLoopbackAddress(address: string): boolean {
  return loopback.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

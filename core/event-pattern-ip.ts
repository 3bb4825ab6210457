/**
 * IP addresses and CIDR blocks as event-ruler's `CIDR` class reads them: a string qualifies only
 * if it matches event-ruler's IPv4 (`d+.d+.d+.d+`) or IPv6 (hex digits and colons) regular
 * expression, and is then parsed as Java's `InetAddress` parses a literal. Addresses become
 * upper-case hex digits (8 for IPv4, 32 for IPv6) and a block becomes a range of such strings, the
 * form event-ruler's byte machine compares. Pure.
 *
 * Java's quirks are kept on purpose, because EventBridge inherits them:
 * - an IPv4-mapped IPv6 literal (`::ffff:a00:1`) is an IPv4 address (`Inet4Address`);
 * - an IPv4 literal with a leading zero (`010.0.0.1`) is refused as ambiguous (JDK 17.0.3+,
 *   JDK-8277608), so it is neither an address in an event nor a valid block in a pattern.
 */

import { javaSplit } from './event-pattern-json';

const IPV4_REGEX = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const HEX = '0123456789ABCDEF';

/** A block or single address as event-ruler stores it: `bottom`..`top` hex strings of equal length. */
export interface IpRange {
  readonly bottom: string;
  readonly openBottom: boolean;
  readonly top: string;
  readonly openTop: boolean;
}

/** The address as hex digits, or `undefined` when event-ruler would not treat the string as an IP address. */
export function ipToHex(text: string): string | undefined {
  const bytes = ipToBytes(text);
  return bytes && toHex(bytes);
}

/**
 * A string pattern value that is an IP address matches that address in any spelling
 * (`CIDR.ipToRangeIfPossible`): a range one hex digit wide around it.
 */
export function exactIpRange(text: string): IpRange | undefined {
  const hex = ipToHex(text);
  if (!hex) return undefined;
  const last = hex[hex.length - 1]!;
  const stem = hex.slice(0, -1);
  if (last === 'F') return { bottom: `${stem}E`, openBottom: true, top: hex, openTop: false };
  return { bottom: hex, openBottom: false, top: stem + HEX[HEX.indexOf(last) + 1], openTop: true };
}

/**
 * `{"cidr": "..."}`: the block from the address with its host bits cleared to the address with
 * them set (`10.0.0.5/24` is 10.0.0.0 to 10.0.0.255; aws/event-ruler#89). Throws with event-ruler's reason when the
 * block is refused; note that `/32` (IPv4) and `/128` (IPv6) are refused by event-ruler.
 */
export function cidrRange(cidr: string): IpRange {
  const parts = javaSplit(cidr, '/');
  if (parts.length !== 2) throw new Error("malformed CIDR, one '/' required");
  if (!/^[+-]?[0-9]+$/.test(parts[1]!) || Number(parts[1]) > 2 ** 31 - 1) throw new Error('malformed CIDR, mask bits must be an integer');
  const maskBits = Number(parts[1]);
  if (maskBits < 0) throw new Error('malformed CIDR, mask bits must not be negative');
  const address = ipToBytes(parts[0]!);
  if (!address) throw new Error(`invalid IP address ${JSON.stringify(parts[0])}`);
  const bits = address.length * 8;
  if (maskBits >= bits) throw new Error(`IPv${address.length === 4 ? 4 : 6} mask bits must be < ${bits}`);
  // The host bits of byte i: those of the block's host part that fall in it (0 to 8).
  const hostMask = (i: number) => (1 << Math.min(8, Math.max(0, bits - maskBits - 8 * (address.length - 1 - i)))) - 1;
  const bottom = address.map((byte, i) => byte & ~hostMask(i));
  const top = address.map((byte, i) => byte | hostMask(i));
  return { bottom: toHex(bottom), openBottom: false, top: toHex(top), openTop: false };
}

/**
 * Whether event-ruler's range trie accepts `value`: the first position where `value` leaves the
 * common prefix of `bottom` and `top` decides, and a value shorter than the range only matches if
 * that decision falls within it. For equal lengths this is plain `bottom <(=) value <(=) top`;
 * it also reproduces event-ruler across IP versions (an IPv4 value against an IPv6 block, or an
 * IPv6 value whose first 8 hex digits fall in an IPv4 block).
 */
export function inRange(value: string, range: IpRange): boolean {
  const { bottom, top } = range;
  if (bottom === top) return false; // an empty range: never built (see validation)
  const length = bottom.length;
  let fork = 0;
  while (bottom[fork] === top[fork]) fork++;
  let path: 'common' | 'bottom' | 'top' = 'common';
  // Every path returns at the range's last digit, so a longer value is decided within the range's length.
  for (const [i, char] of [...value].entries()) {
    const last = i === length - 1;
    if (path === 'common') {
      if (i < fork) {
        if (char !== bottom[i]) return false;
        continue;
      }
      if (char > bottom[i]! && char < top[i]!) return true;
      if (last) return (char === bottom[i] && !range.openBottom) || (char === top[i] && !range.openTop);
      if (char === bottom[i]) path = 'bottom';
      else if (char === top[i]) path = 'top';
      else return false;
      continue;
    }
    const bound = path === 'bottom' ? bottom[i]! : top[i]!;
    const inside = path === 'bottom' ? char > bound : char < bound;
    if (inside) return true;
    if (char !== bound) return false;
    if (last) return path === 'bottom' ? !range.openBottom : !range.openTop;
  }
  return false;
}

function toHex(bytes: readonly number[]): string {
  return bytes.map((byte) => HEX[byte >> 4]! + HEX[byte & 0xf]!).join('');
}

/**
 * `InetAddress.getByName` on a string that passed event-ruler's regular expressions; `undefined`
 * where Java throws. (Its IPv6 expression, hex digits and colons with one colon at least, needs no
 * test of its own: the IPv6 parse refuses every other string.)
 */
function ipToBytes(text: string): number[] | undefined {
  return IPV4_REGEX.test(text) ? ipv4Bytes(text) : ipv6Bytes(text);
}

function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.some((part) => part.length > 1 && part.startsWith('0'))) return undefined; // ambiguous literal
  const bytes = parts.map(Number);
  return bytes.every((byte) => byte <= 255) ? bytes : undefined; // not a literal: a host name, which does not resolve
}

/** `IPAddressUtil.textToNumericFormatV6`, then IPv4-mapped addresses become IPv4 as `InetAddress` does. */
function ipv6Bytes(text: string): number[] | undefined {
  // A single colon at either end leaves an empty group, which the groups' check refuses.
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const values: number[] = [];
    for (const group of half.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
      values.push(parseInt(group, 16));
    }
    return values;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const words = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const bytes = words.flatMap((word) => [word >> 8, word & 0xff]);
  const mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

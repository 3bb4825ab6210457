/**
 * How event-ruler reads values: numbers as order-preserving keys of the doubles that hold them
 * exactly, and IP addresses as Java's InetAddress reads them, compared through event-ruler's range trie.
 */
import { cidrRange, exactIpRange, inRange, ipToHex } from '../../core/event-pattern-ip';
import { HIGHEST_NUMBER_KEY, LOWEST_NUMBER_KEY, comparableNumberKey } from '../../core/event-pattern-numbers';

describe('comparableNumberKey', () => {
  const key = (text: string) => comparableNumberKey(text);

  test('orders numbers as their values, across signs and magnitudes', () => {
    const ordered = ['-1e308', '-5', '-0.5', '-4.9e-324', '0', '4.9e-324', '0.5', '5', '1e308'].map((text) => key(text)!);
    expect([...ordered].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ordered);
    expect(new Set(ordered).size).toBe(ordered.length);
    for (const value of ordered) {
      expect(value).toBeGreaterThan(LOWEST_NUMBER_KEY);
      expect(value).toBeLessThan(HIGHEST_NUMBER_KEY);
    }
  });

  test('gives every spelling of one double the same key; -0 is 0 (BigDecimal has no negative zero)', () => {
    expect(key('5')).toBe(key('5.0'));
    expect(key('5')).toBe(key('5e0'));
    expect(key('5')).toBe(key('0.5e1'));
    expect(key('0')).toBe(key('-0'));
    expect(key('0')).toBe(key('-0.0'));
    expect(key('0.1')).not.toBe(key('0.2'));
  });

  test.each([
    ['a decimal a double does not hold exactly', '0.30000000000000000001'],
    ['an integer beyond 2^53 that a double rounds', '9007199254740993'],
    ['an overflow', '1e400'],
    ['an underflow to zero', '1e-400'],
    ['Java writes 4.9E-324 for the least subnormal, so 5e-324 is another decimal', '5e-324'],
    ['a string', '"5"'],
    ['a literal', 'true'],
    ['not JSON number syntax', '+5'],
  ])('is undefined for %s', (_name, text) => expect(key(text)).toBeUndefined());

  test.each([['2^53', '9007199254740992'], ['the least subnormal as Java writes it', '4.9e-324'], ['the largest double', '1.7976931348623157e308'], ['0.3', '0.3']])(
    'is defined for %s',
    (_name, text) => expect(key(text)).toBeDefined(),
  );
});

describe('ipToHex', () => {
  test.each([
    ['10.0.0.1', '0A000001'],
    ['255.255.255.255', 'FFFFFFFF'],
    ['::1', '00000000000000000000000000000001'],
    ['2001:DB8::', '20010DB8000000000000000000000000'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['::ffff:a00:1', '0A000001'], // IPv4-mapped: Java returns the IPv4 address
  ])('%s is %s', (text, hex) => expect(ipToHex(text)).toBe(hex));

  test.each([
    ['a leading zero (ambiguous in Java)', '10.0.0.01'],
    ['an octet over 255', '10.0.0.256'],
    ['three octets', '10.0.1'],
    ['a host name', 'example.com'],
    ['dotted IPv4 inside IPv6 (not event-ruler syntax)', '::ffff:10.0.0.1'],
    ['nine groups', '1:2:3:4:5:6:7:8:9'],
    ['"::" with eight groups', '1:2:3:4::5:6:7:8'],
    ['two "::"', '1::2::3'],
    ['a single leading colon', ':1:2:3:4:5:6:7'],
    ['a single trailing colon', '1:2:3:4:5:6:7:'],
    ['a five-digit group', '12345::'],
    ['a lone colon', ':'],
  ])('is undefined for %s', (_name, text) => expect(ipToHex(text)).toBeUndefined());
});

describe('cidrRange', () => {
  test('clears the host bits for the bottom and sets them for the top', () => {
    expect(cidrRange('10.0.0.5/24')).toEqual({ bottom: '0A000000', openBottom: false, top: '0A0000FF', openTop: false });
    expect(cidrRange('10.0.0.5/30')).toEqual({ bottom: '0A000004', openBottom: false, top: '0A000007', openTop: false });
    expect(cidrRange('0.0.0.0/0')).toEqual({ bottom: '00000000', openBottom: false, top: 'FFFFFFFF', openTop: false });
    expect(cidrRange('2001:db8::1/127').bottom).toBe('20010DB8000000000000000000000000');
    expect(cidrRange('2001:db8::1/127').top).toBe('20010DB8000000000000000000000001');
    expect(cidrRange('10.0.0.0/24/').top).toBe('0A0000FF'); // Java's split drops the trailing empty part
  });

  test.each([
    ['10.0.0.0', /one '\/' required/],
    ['10.0.0.0/24/8', /one '\/' required/],
    ['10.0.0.0/x', /must be an integer/],
    ['10.0.0.0/99999999999', /must be an integer/],
    ['10.0.0.0/-1', /must not be negative/],
    ['10.0.0.0/32', /IPv4 mask bits must be < 32/],
    ['::/128', /IPv6 mask bits must be < 128/],
    ['::ffff:a00:0/104', /IPv4 mask bits must be < 32/],
    ['host/24', /invalid IP address/],
  ])('refuses %s', (cidr, message) => expect(() => cidrRange(cidr)).toThrow(message));
});

describe('inRange (event-ruler range trie)', () => {
  const block = cidrRange('10.0.0.0/24');

  test('an address of the same family: bottom <= value <= top', () => {
    expect(inRange('0A000000', block)).toBe(true);
    expect(inRange('0A0000FF', block)).toBe(true);
    expect(inRange('0A000100', block)).toBe(false);
    expect(inRange('09FFFFFF', block)).toBe(false);
  });

  test('open ends exclude the bound itself', () => {
    const open = { bottom: '0A000000', openBottom: true, top: '0A0000FF', openTop: true };
    expect(inRange('0A000000', open)).toBe(false);
    expect(inRange('0A000001', open)).toBe(true);
    expect(inRange('0A0000FE', open)).toBe(true);
    expect(inRange('0A0000FF', open)).toBe(false);
  });

  test('across IP versions the trie decides on the first digits that leave the common prefix', () => {
    // An IPv6 value whose first 8 hex digits fall in an IPv4 block matches it.
    expect(inRange(ipToHex('a00:10::')!, block)).toBe(true);
    expect(inRange(ipToHex('a00:100::')!, block)).toBe(false);
    // An IPv4 value against an IPv6 block matches only if decided within its 8 digits.
    expect(inRange('0A000001', cidrRange('::/1'))).toBe(true);
    expect(inRange('0A000001', cidrRange('a00::/16'))).toBe(true); // decided at the 8th digit
    expect(inRange('0A000001', cidrRange('a00:1::/32'))).toBe(false); // undecided after 8 digits
  });

  test('a string pattern that is an address is a one-address range', () => {
    const one = exactIpRange('10.0.0.1')!;
    expect(inRange('0A000001', one)).toBe(true);
    expect(inRange('0A000002', one)).toBe(false);
    expect(inRange('0A000000', one)).toBe(false);
    const last = exactIpRange('10.0.0.15')!; // last hex digit F: the range is (…E, …F]
    expect(inRange('0A00000F', last)).toBe(true);
    expect(inRange('0A00000E', last)).toBe(false);
    const nine = exactIpRange('10.0.0.9')!; // 9 steps to A, not to ':'
    expect(nine.top).toBe('0A00000A');
    expect(inRange('0A000009', nine)).toBe(true);
    expect(exactIpRange('not an address')).toBeUndefined();
  });

  test('an empty range matches nothing', () => {
    expect(inRange('0A000001', { bottom: '0A000001', openBottom: false, top: '0A000001', openTop: false })).toBe(false);
  });
});

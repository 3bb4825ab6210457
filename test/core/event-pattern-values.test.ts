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

  test.each([
    ['2^53', '9007199254740992'],
    ['the least subnormal as Java writes it', '4.9e-324'],
    ['the largest double', '1.7976931348623157e308'],
    ['0.3', '0.3'],
  ])('is defined for %s', (_name, text) => expect(key(text)).toBeDefined());

  test('every spelling of a decimal is one value: leading and trailing zeros, exponents, a fraction', () => {
    const spellings = (texts: string[]) => expect(new Set(texts.map((text) => key(text)))).toEqual(new Set([key(texts[0]!)]));
    spellings(['1e-7', '0.0000001', '0.00001e-2', '10e-8', '1.0e-7', '100e-9', '0.000000100']);
    spellings(['1.5', '1.500', '15e-1', '0.15e1', '150e-2', '1.50E0', '0.0015e+3']);
    spellings(['-2.5', '-2.50', '-25e-1', '-0.025e2']);
    spellings(['0', '0e5', '0.000', '-0e-3', '0E0']);
    spellings(['120', '1.2e2', '12e1', '120.0', '1200e-1']);
    expect(key('1.5')).not.toBe(key('15'));
    expect(key('1.5')).not.toBe(key('-1.5'));
    expect(key('120')).not.toBe(key('12'));
    expect(key('0')).not.toBe(key('1e-7'));
  });

  test.each(['0x', '5 ', ' 5', '5e', '.5', '5.', '-', '', '05', '1e400', '--5'])('%j is not a JSON number', (text) => expect(key(text)).toBeUndefined());

  test("each key is the double's bits with the sign folded in", () => {
    expect(key('0')).toBe(1n << 63n);
    expect(key('4.9e-324')).toBe((1n << 63n) + 1n);
    expect(key('-4.9e-324')).toBe((1n << 63n) - 2n);
    expect(key('1')).toBe((1n << 63n) | 0x3ff0000000000000n);
    expect(key('-1')).toBe(~0xbff0000000000000n & ((1n << 64n) - 1n));
    expect(LOWEST_NUMBER_KEY).toBe(0n);
    expect(HIGHEST_NUMBER_KEY).toBe((1n << 64n) - 1n);
  });

  /**
   * Java's Double.toString never writes one significant digit: a double whose shortest form has one
   * is written with two, the exact value rounded. For all but six subnormals those are the same
   * decimal; for those six the JavaScript spelling is another decimal, not comparable.
   */
  const JAVA_SPELLING: Record<string, string> = {
    '5e-324': '4.9e-324',
    '5e-323': '4.9e-323',
    '6e-323': '5.9e-323',
    '7e-323': '6.9e-323',
    '8e-323': '7.9e-323',
    '9e-323': '8.9e-323',
  };

  test('every double whose shortest form has one digit: comparable as written, but for the six Java writes otherwise', () => {
    const exceptions: string[] = [];
    const doubles = new Set<string>();
    for (let exponent = -324; exponent <= 308; exponent++) {
      for (let digit = 1; digit <= 9; digit++) {
        const value = Number(`${digit}e${exponent}`);
        const shortest = String(value);
        // Several spellings near the least subnormal round to one double: take each double once.
        if (value === 0 || doubles.has(shortest) || shortest.replace(/^0\.0*|e.*$|\.|0+$/g, '').length !== 1) continue;
        doubles.add(shortest);
        for (const sign of ['', '-']) {
          const text = `${sign}${shortest}`;
          if (key(text) === undefined) exceptions.push(text);
        }
      }
    }
    expect(doubles.size).toBeGreaterThan(5000);
    expect(exceptions.sort()).toEqual(
      Object.keys(JAVA_SPELLING)
        .flatMap((text) => [text, `-${text}`])
        .sort(),
    );
    for (const [written, java] of Object.entries(JAVA_SPELLING)) {
      // The same double, spelled as Java spells it: comparable, below zero when negative.
      expect(Number(java)).toBe(Number(written));
      expect({ java, positive: key(java)! > key('0')!, negative: key(`-${java}`)! < key('0')! }).toEqual({ java, positive: true, negative: true });
    }
  });

  test('the six: the same double under its Java spelling and its two-digit forms; one more digit is another decimal', () => {
    expect(key('4.9e-324')).toBe(key('49e-325'));
    expect(key('4.9e-324')).toBe(key('0.49e-323'));
    expect(key('-5.9e-323')).toBe(key('-59e-324'));
    expect(key('4.90e-324')).toBe(key('4.9e-324'));
    expect(key('4.94e-324')).toBeUndefined();
    expect(key('4.8e-324')).toBeUndefined();
    // A one-digit double that is not subnormal: its one digit is the same decimal as Java's two.
    expect(key('3')).toBe(key('3.0'));
    expect(key('5e15')).toBe(key('5000000000000000'));
    expect(key('1e-320')).toBeDefined();
  });
});

describe('ipToHex', () => {
  test.each([
    ['10.0.0.1', '0A000001'],
    ['255.255.255.255', 'FFFFFFFF'],
    ['::1', '00000000000000000000000000000001'],
    ['2001:DB8::', '20010DB8000000000000000000000000'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['::ffff:a00:1', '0A000001'], // IPv4-mapped: Java returns the IPv4 address
    ['::1:2:3:4:5:6:7', '00000001000200030004000500060007'], // "::" for one group, leading
    ['1:2:3:4:5:6::7', '00010002000300040005000600000007'], // and in the middle
    ['1::abcd', '0001000000000000000000000000ABCD'],
    ['::', '00000000000000000000000000000000'],
    ['0.0.0.0', '00000000'],
    ['0.1.0.0', '00010000'],
    // Not IPv4-mapped: each of the twelve bytes must be as the mapping has them.
    ['::fffe:a00:1', '00000000000000000000FFFE0A000001'],
    ['::feff:a00:1', '00000000000000000000FEFF0A000001'],
    ['::1:ffff:a00:1', '00000000000000000001FFFF0A000001'],
    ['1::ffff:a00:1', '00010000000000000000FFFF0A000001'],
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
    ['three colons', ':::'],
    ['eight groups and two "::"', '1:2:3:4:5:6:7:8::1::2'],
    ['an empty group', '1:2:3::4:5:6:7:8:'],
    ['a space before an IPv4 address', ' 10.0.0.1'],
    ['a space after it', '10.0.0.1 '],
    ['a plus sign', '+10.0.0.1'],
    ['a space before an IPv6 address', ' ::1'],
    ['hex digits without a colon', 'abcd'],
    ['nothing', ''],
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
    expect(cidrRange('10.0.0.7/31')).toEqual({ bottom: '0A000006', openBottom: false, top: '0A000007', openTop: false });
    expect(cidrRange('10.1.2.3/12')).toEqual({ bottom: '0A000000', openBottom: false, top: '0A0FFFFF', openTop: false });
    expect(cidrRange('10.255.2.3/+8')).toEqual({ bottom: '0A000000', openBottom: false, top: '0AFFFFFF', openTop: false });
    expect(cidrRange('10.0.0.5/-0').top).toBe('FFFFFFFF');
    expect(cidrRange('2001:db8::1/127').bottom).toBe('20010DB8000000000000000000000000');
    expect(cidrRange('2001:db8:1234::/36')).toEqual({ bottom: '20010DB8100000000000000000000000', openBottom: false, top: '20010DB81FFFFFFFFFFFFFFFFFFFFFFF', openTop: false });
    expect(cidrRange('::/0').top).toBe('F'.repeat(32));
  });

  test.each([
    ['10.0.0.0', /one '\/' required/],
    ['10.0.0.0/24/8', /one '\/' required/],
    ['10.0.0.0/x', /must be an integer/],
    ['10.0.0.0/99999999999', /must be an integer/],
    ['10.0.0.0/24x', /must be an integer/],
    ['10.0.0.0/x24', /must be an integer/],
    ['10.0.0.0/2147483648', /must be an integer/],
    ['10.0.0.0/2147483647', /^IPv4 mask bits must be < 32$/], // Java's int: the largest is an integer, too large a mask
    ['10.0.0.0/-1', /must not be negative/],
    ['10.0.0.0/32', /^IPv4 mask bits must be < 32$/],
    ['::/128', /^IPv6 mask bits must be < 128$/],
    ['::ffff:a00:0/104', /^IPv4 mask bits must be < 32$/],
    ['host/24', /^invalid IP address "host"$/],
  ])('refuses %s', (cidr, message) => expect(() => cidrRange(cidr)).toThrow(message));

  test('/127 is the narrowest IPv6 block', () => {
    expect(cidrRange('::1/127')).toEqual({ bottom: '0'.repeat(32), openBottom: false, top: `${'0'.repeat(31)}1`, openTop: false });
  });
});

describe('inRange (event-ruler range trie)', () => {
  // Built inside each test (not while Jest collects them), so mutation testing knows which tests reach it.
  let block: ReturnType<typeof cidrRange>;
  beforeEach(() => {
    block = cidrRange('10.0.0.0/24');
  });

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

  describe('a range whose bounds differ from the second digit on: 1234..1567', () => {
    const closed = { bottom: '1234', openBottom: false, top: '1567', openTop: false };
    const open = { ...closed, openBottom: true, openTop: true };
    test.each([
      ['1300', true, true, 'between the bounds where they part'],
      ['1234', true, false, 'the bottom itself'],
      ['1235', true, true, 'above the bottom in its last digit'],
      ['1240', true, true, 'above the bottom before its last digit'],
      ['1233', false, false, 'below the bottom'],
      ['1229', false, false, 'below the bottom before its last digit'],
      ['1567', true, false, 'the top itself'],
      ['1566', true, true, 'below the top in its last digit'],
      ['1557', true, true, 'below the top before its last digit'],
      ['1568', false, false, 'above the top'],
      ['1570', false, false, 'above the top before its last digit'],
      ['1600', false, false, 'past the top where the bounds part'],
      ['1100', false, false, 'before the bottom where the bounds part'],
      ['0234', false, false, 'off the common prefix'],
      ['124', true, true, 'a shorter value decided within its length'],
      ['123', false, false, 'a shorter value not decided'],
      ['12345', true, false, "a longer value: decided at the range's last digit"],
      ['', false, false, 'nothing'],
    ])('%s: %s closed, %s open (%s)', (value, inClosed, inOpen) => {
      expect(inRange(value, closed)).toBe(inClosed);
      expect(inRange(value, open)).toBe(inOpen);
    });
  });

  test('each end open or closed on its own', () => {
    const bottomOpen = { bottom: '1234', openBottom: true, top: '1567', openTop: false };
    const topOpen = { bottom: '1234', openBottom: false, top: '1567', openTop: true };
    expect([inRange('1234', bottomOpen), inRange('1567', bottomOpen), inRange('1234', topOpen), inRange('1567', topOpen)]).toEqual([false, true, true, false]);
    // On the top path a digit above the bottom's but below the top's is inside only by the top's rule.
    expect([inRange('1537', bottomOpen), inRange('1538', topOpen), inRange('1568', topOpen), inRange('1230', topOpen), inRange('1299', topOpen)]).toEqual([true, true, false, false, true]);
  });

  test('bounds that part only at the last digit', () => {
    const range = { bottom: '12', openBottom: false, top: '15', openTop: true };
    expect([inRange('12', range), inRange('13', range), inRange('15', range), inRange('16', range), inRange('11', range)]).toEqual([true, true, false, false, false]);
  });

  test('the one-address ranges themselves', () => {
    expect(exactIpRange('10.0.0.15')).toEqual({ bottom: '0A00000E', openBottom: true, top: '0A00000F', openTop: false });
    expect(exactIpRange('10.0.0.1')).toEqual({ bottom: '0A000001', openBottom: false, top: '0A000002', openTop: true });
    expect(exactIpRange('10.0.0.10')).toEqual({ bottom: '0A00000A', openBottom: false, top: '0A00000B', openTop: true });
  });

  test('an empty range matches nothing', () => {
    expect(inRange('0A000001', { bottom: '0A000001', openBottom: false, top: '0A000001', openTop: false })).toBe(false);
  });
});

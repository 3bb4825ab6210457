/**
 * Policy documents as IAM measures them (characters without whitespace) and packed into documents
 * that fit IAM's size quotas, without changing what they allow or deny.
 */
import { packStatements, policyCharacters, policyDocument, type PolicyStatement, splitStatement } from '../../core/policy-document';

const statement = (Sid: string, resources: number, width = 40): PolicyStatement => ({
  Sid,
  Effect: 'Allow',
  Action: ['s3:GetObject'],
  Resource: Array.from({ length: resources }, (_, i) => `arn:aws:s3:::${`b${i}`.padEnd(width, 'x')}`),
});
const sizeOf = (...statements: PolicyStatement[]) => policyCharacters(policyDocument(...statements));

describe('policyCharacters', () => {
  test('counts the JSON without any whitespace, as IAM does', () => {
    const document = policyDocument({ Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a b' });
    expect(policyCharacters(document)).toBe(JSON.stringify(document).length - 1);
    expect(policyCharacters(document)).toBe('{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::ab"}]}'.length);
  });
});

describe('splitStatement', () => {
  test('a statement that fits stays as it is (the very object)', () => {
    const whole = statement('Read', 3);
    expect(splitStatement(whole, sizeOf(whole))).toEqual([whole]);
    expect(splitStatement(whole, sizeOf(whole))[0]).toBe(whole);
  });

  test('one character too large: split by resources, in order, as Sid, Sid2, …, each fitting, nothing lost or repeated', () => {
    const whole = { ...statement('Read', 10), Condition: { StringEquals: { 'aws:ResourceAccount': '123456789012' } } };
    const max = sizeOf(whole) - 1;
    const parts = splitStatement(whole, max);
    expect(parts.map((part) => part.Sid)).toEqual(['Read', 'Read2']);
    expect(parts.flatMap((part) => part.Resource)).toEqual(whole.Resource);
    for (const part of parts) {
      expect(sizeOf(part)).toBeLessThanOrEqual(max);
      expect({ ...part, Sid: whole.Sid, Resource: whole.Resource }).toEqual(whole);
    }
  });

  test('as few parts as consecutive resources allow: a part takes resources while the next still fits', () => {
    const whole = statement('Read', 9);
    const three = sizeOf({ ...whole, Sid: 'Read2', Resource: whole.Resource!.slice(0, 3) });
    const parts = splitStatement(whole, three);
    expect(parts.map((part) => part.Resource)).toEqual([0, 3, 6].map((at) => (whole.Resource as string[]).slice(at, at + 3)));
    expect(parts.map((part) => part.Sid)).toEqual(['Read', 'Read2', 'Read3']);
  });

  test('a single resource too large for one policy is refused, naming the statement and its size', () => {
    const whole = statement('Huge', 2, 500);
    const one = sizeOf({ ...whole, Resource: [whole.Resource![0]!] });
    expect(() => splitStatement(whole, one - 1)).toThrow(`policy statement Huge is ${one} characters even with a single resource, over the ${one - 1} of one policy`);
  });

  test('a statement without resources (a trust statement) that does not fit is refused', () => {
    const trust: PolicyStatement = { Sid: 'Trust', Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' };
    expect(() => splitStatement(trust, sizeOf(trust) - 1)).toThrow(
      `policy statement Trust is ${sizeOf(trust)} characters even with a single resource, over the ${sizeOf(trust) - 1} of one policy`,
    );
  });
});

describe('packStatements', () => {
  test('everything that fits one document stays one document, in order', () => {
    const document = policyDocument(statement('A', 2), statement('B', 2));
    expect(packStatements(document, policyCharacters(document))).toEqual([document]);
  });

  test('first fit, in order: a statement goes into the first document it still fits in, else a new one', () => {
    const [a, b, c] = [statement('A', 6), statement('B', 6), statement('C', 1)];
    const max = sizeOf(a, c);
    expect(sizeOf(a, b)).toBeGreaterThan(max);
    expect(packStatements(policyDocument(a, b, c), max)).toEqual([policyDocument(a, c), policyDocument(b)]);
  });

  test('exactly at the limit fits; one character over does not', () => {
    const [a, b] = [statement('A', 3), statement('B', 3)];
    expect(packStatements(policyDocument(a, b), sizeOf(a, b))).toHaveLength(1);
    expect(packStatements(policyDocument(a, b), sizeOf(a, b) - 1)).toHaveLength(2);
  });

  test('a statement too large for one document is split first, and its parts packed like any statement', () => {
    const big = statement('Big', 9);
    const small = statement('Small', 1);
    const max = sizeOf(statement('X', 7));
    const packed = packStatements(policyDocument(big, small), max);
    expect(packed.map((document) => document.Statement.map((s) => s.Sid))).toEqual([['Big'], ['Big2', 'Small']]);
    for (const document of packed) expect(policyCharacters(document)).toBeLessThanOrEqual(max);
    expect(packed.flatMap((document) => document.Statement.filter((s) => s.Sid.startsWith('Big')).flatMap((s) => s.Resource))).toEqual(big.Resource);
  });

  test('no statements, no documents', () => {
    expect(packStatements(policyDocument(), 100)).toEqual([]);
  });
});

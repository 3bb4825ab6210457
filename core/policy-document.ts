/** The shape of an IAM policy document, as the pure policy builders return it. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Readonly<Record<string, string | readonly string[]>>;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[] | boolean>>>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** A policy document of these statements, with the one policy language version IAM accepts. */
export const policyDocument = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

/** A policy's size as IAM measures it against its quotas: the characters of its JSON, whitespace not counted. */
export const policyCharacters = (document: PolicyDocument): number => JSON.stringify(document).replace(/\s/g, '').length;

/**
 * The statements of `document` in as few documents of at most `maxCharacters` (policyCharacters) as
 * first fit finds: each statement, in order, goes into the first document it still fits in. A
 * statement too large for one document is first split by its resources (splitStatement); throws,
 * naming the statement, when even one resource does not fit.
 */
export function packStatements(document: PolicyDocument, maxCharacters: number): PolicyDocument[] {
  const packed: PolicyStatement[][] = [];
  for (const statement of document.Statement.flatMap((whole) => splitStatement(whole, maxCharacters))) {
    const fits = packed.find((statements) => policyCharacters(policyDocument(...statements, statement)) <= maxCharacters);
    if (fits) fits.push(statement);
    else packed.push([statement]);
  }
  return packed.map((statements) => policyDocument(...statements));
}

/**
 * A statement as statements that each fit a document of `maxCharacters`: the same effect, actions and
 * conditions over consecutive parts of its resources (`Sid`, `Sid2`, `Sid3`, … as Sids are unique in
 * a policy). Equivalent: IAM allows (or denies) a request when any statement matches it, and a
 * request names one resource.
 */
export function splitStatement(statement: PolicyStatement, maxCharacters: number): PolicyStatement[] {
  const fits = (candidate: PolicyStatement) => policyCharacters(policyDocument(candidate)) <= maxCharacters;
  if (fits(statement)) return [statement];
  const resources = [statement.Resource ?? []].flat();
  const parts: string[][] = [];
  for (const resource of resources) {
    const last = parts[parts.length - 1];
    if (last && fits({ ...statement, Sid: `${statement.Sid}${parts.length}`, Resource: [...last, resource] })) last.push(resource);
    else parts.push([resource]);
  }
  const split = parts.map((part, index) => ({ ...statement, Sid: index === 0 ? statement.Sid : `${statement.Sid}${index + 1}`, Resource: part }));
  const tooLarge = split.find((part) => !fits(part));
  if (tooLarge || split.length === 0) {
    throw new Error(
      `policy statement ${statement.Sid} is ${policyCharacters(policyDocument(tooLarge ?? statement))} characters even with a single resource, over the ${maxCharacters} of one policy`,
    );
  }
  return split;
}

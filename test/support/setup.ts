// Node 20 lacks Promise.withResolvers (Node 22+), which aws-local-stepfunctions uses.
import '../../local/polyfills';

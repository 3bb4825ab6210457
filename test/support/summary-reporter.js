/**
 * Ends every Jest run with one plain line, `jest: N passed, N failed, N skipped`, which CI log
 * readers that do not know Jest's own summary can count.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}

module.exports = SummaryReporter;

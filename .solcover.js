// solidity-coverage: measure the production contracts only; contracts/test/ holds test doubles and harnesses.
module.exports = {
  skipFiles: ["test/"],
  istanbulReporter: ["json-summary", "json", "text", "lcov"],
  mocha: { timeout: 300000 },
};

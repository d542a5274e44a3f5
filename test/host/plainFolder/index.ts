// Extension-host entry of the plain-folder suite (a folder with nothing of Ring0's): mocha over the
// compiled *.test.js beside this file, the report to RING0_EXTENSION_TEST_REPORT like ../extension.
export { run } from '../extension/index';

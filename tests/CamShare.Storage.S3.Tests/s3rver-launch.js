// Starts @20minutes/s3rver 5 for the S3 provider tests. Everything comes from the environment so that no key
// appears on a command line: S3RVER_HOME (the npm folder), S3RVER_PORT, S3RVER_DATA, S3RVER_BUCKET,
// S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY. Prints "s3rver ready" once it listens.
'use strict';
const path = require('path');
const env = (name) => {
  const value = process.env[name];
  if (!value) { console.error(`missing environment variable ${name}`); process.exit(2); }
  return value;
};
const lib = path.join(env('S3RVER_HOME'), 'node_modules', '@20minutes', 's3rver', 'lib');
const S3rver = require(path.join(lib, 's3rver.js'));
const AWSAccount = require(path.join(lib, 'models', 'account.js'));
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER'); // the well-known default key pair must not work
AWSAccount.DUMMY_ACCOUNT.createKeyPair(env('S3RVER_ACCESS_KEY'), env('S3RVER_SECRET_KEY'));
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(env('S3RVER_PORT')),
  directory: env('S3RVER_DATA'),
  silent: true,
  vhostBuckets: false,
  configureBuckets: [{ name: env('S3RVER_BUCKET'), configs: [] }],
});
server.run().then(
  () => console.log(`s3rver ready on 127.0.0.1:${env('S3RVER_PORT')}`),
  (error) => { console.error(error); process.exit(1); });
// Exit at once: the tests restart the server on the same port and data folder, and close() would wait for
// keep-alive connections. Every write s3rver acknowledged is already on disk.
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

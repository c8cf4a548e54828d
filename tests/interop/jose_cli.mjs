// Node `jose` from the command line, for the black-box interoperability tests:
//   node jose_cli.mjs verify JWKS_FILE ALG TOKEN   -> prints the verified claims as JSON
//   node jose_cli.mjs sign PRIVATE_JWK_FILE ALG CLAIMS_JSON -> prints a compact JWS
//   node jose_cli.mjs verify-remote JWKS_URL ALG TOKEN -> verifies with keys fetched from the URL
// Exit 1 (with the error on stderr) when verification or signing fails.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, importJWK, jwtVerify, SignJWT } from 'jose';

const [command, file, alg, arg] = process.argv.slice(2);
try {
  if (command === 'verify') {
    const jwks = JSON.parse(readFileSync(file, 'utf8'));
    // A JWK Set holds public keys; a shared HMAC secret is imported on its own.
    const key = jwks.keys[0].kty === 'oct' ? await importJWK(jwks.keys[0], alg) : createLocalJWKSet(jwks);
    const { payload } = await jwtVerify(arg, key, { algorithms: [alg] });
    process.stdout.write(JSON.stringify(payload) + '\n');
  } else if (command === 'verify-remote') {
    const { payload } = await jwtVerify(arg, createRemoteJWKSet(new URL(file)), {
      algorithms: [alg], issuer: 'stockroom', audience: 'stockroom-api', typ: 'at+jwt',
    });
    process.stdout.write(JSON.stringify(payload) + '\n');
  } else if (command === 'sign') {
    const jwk = JSON.parse(readFileSync(file, 'utf8'));
    const key = await importJWK(jwk, alg);
    const token = await new SignJWT(JSON.parse(arg))
      .setProtectedHeader({ alg, kid: jwk.kid, typ: 'JWT' })
      .sign(key);
    process.stdout.write(token + '\n');
  } else {
    throw new Error(`unknown command ${command}`);
  }
} catch (error) {
  process.stderr.write(`${error.code ?? 'error'}: ${error.message}\n`);
  process.exit(1);
}

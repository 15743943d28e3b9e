// sm-crypto ships no types: the part of its API the platform and its tests use. Imported statically
// (`import smCrypto from 'sm-crypto'`), so that esbuild puts it into every Lambda bundle that needs it.
declare module 'sm-crypto' {
  interface Sm2Options {
    der: boolean;
    hash: boolean;
  }
  const smCrypto: {
    sm2: {
      doSignature(msg: Uint8Array | number[] | string, privateKeyHex: string, opts: Sm2Options): string;
      doVerifySignature(msg: Uint8Array | number[] | string, signatureHex: string, publicKeyHex: string, opts: Sm2Options): boolean;
    };
  };
  export default smCrypto;
}

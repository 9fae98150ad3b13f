declare module "vectors:*" {
  /** The vector file's bytes, base64-encoded. */
  const base64: string;
  export default base64;
}

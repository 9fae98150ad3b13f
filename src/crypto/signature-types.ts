/** ANS-104 signature types: lengths of signature and owner, and the names used on the wire. */

export interface SignatureType {
  readonly type: number;
  readonly name: string;
  readonly signatureLength: number;
  readonly ownerLength: number;
  /** Whether this node can verify items of this type (D8: types 1, 2 and 3). */
  readonly verifiable: boolean;
}

const table: SignatureType[] = [
  { type: 1, name: "arweave", signatureLength: 512, ownerLength: 512, verifiable: true },
  { type: 2, name: "ed25519", signatureLength: 64, ownerLength: 32, verifiable: true },
  { type: 3, name: "ethereum", signatureLength: 65, ownerLength: 65, verifiable: true },
  { type: 4, name: "solana", signatureLength: 64, ownerLength: 32, verifiable: false },
  { type: 5, name: "injectedAptos", signatureLength: 64, ownerLength: 32, verifiable: false },
  { type: 6, name: "multiAptos", signatureLength: 2052, ownerLength: 1025, verifiable: false },
  { type: 7, name: "typedEthereum", signatureLength: 65, ownerLength: 42, verifiable: false },
];

const byType = new Map(table.map((t) => [t.type, t]));

export const signatureType = (type: number): SignatureType | undefined => byType.get(type);

export const ARWEAVE = 1;
export const ED25519 = 2;
export const ETHEREUM = 3;

/** The verifiable type whose key and signature have these lengths (what a rendering without the type byte implies). */
export const verifiableTypeByLengths = (ownerLength: number, signatureLength: number): SignatureType | undefined =>
  table.find((t) => t.verifiable && t.ownerLength === ownerLength && t.signatureLength === signatureLength);

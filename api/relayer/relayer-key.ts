import fs from "node:fs";
import { HDNodeWallet, Wallet, type Provider } from "ethers";
import { ConfigError } from "../../sdk/server";
import type { RelayerKeySource } from "../config";

/** The relayer's wallet from its configured key source (env key, encrypted JSON keystore, or mnemonic). */
export async function loadRelayerWallet(source: RelayerKeySource, provider?: Provider): Promise<Wallet | HDNodeWallet> {
  switch (source.kind) {
    case "private-key":
      return new Wallet(source.privateKey, provider);
    case "mnemonic":
      return HDNodeWallet.fromPhrase(source.mnemonic, undefined, `m/44'/60'/0'/0/${source.index}`).connect(
        provider ?? null,
      );
    case "keystore": {
      try {
        const wallet = await Wallet.fromEncryptedJson(fs.readFileSync(source.file, "utf8"), source.password);
        return wallet.connect(provider ?? null);
      } catch {
        // Never echo the password or the file content.
        throw new ConfigError(`cannot decrypt RELAYER_KEYSTORE ${source.file}: wrong password or not a keystore`);
      }
    }
  }
}

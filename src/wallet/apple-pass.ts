import type { PKPass } from 'passkit-generator';
import type { PassSigner } from './certificates.ts';
import { applePassImages, iconPng } from './images.ts';
import { type PassContent, type PassIdentity, toPassProps } from './pass-model.ts';

export const PKPASS_MIME_TYPE = 'application/vnd.apple.pkpass';

// passkit-generator (and node-forge under it) is loaded when the first pass is signed, not at start.
const passkit = () => import('passkit-generator');

/**
 * Builds signed `.pkpass` files. The template (pass style and certificates) is made once; each pass
 * is a clone of it, because an exported PKPass is frozen and cannot be reused.
 */
export class ApplePassBuilder {
  readonly signer: PassSigner;
  #template: Promise<PKPass> | undefined;

  private constructor(signer: PassSigner) {
    this.signer = signer;
  }

  /**
   * A builder for `signer`. A configured signer signs one throwaway pass first: passkit-generator
   * reports certificate and passphrase problems only when a pass is exported, and they belong in the
   * start-up log. The development signer is made by the gateway and its certificates are checked when
   * it is read (certificates.ts); it skips the test pass, so that a gateway without Apple credentials
   * loads the signing libraries only when a pass is first asked for.
   */
  static async create(signer: PassSigner): Promise<ApplePassBuilder> {
    const builder = new ApplePassBuilder(signer);
    if (signer.development) return builder;
    try {
      const content = toPassProps(SELF_TEST_SOURCE, builder.identity('https://self-test.invalid/wallet/apple'));
      await builder.build(content, { 'icon.png': iconPng(content.artwork, 29) });
    } catch (error) {
      throw new Error(`signing a test pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return builder;
  }

  #loadTemplate(): Promise<PKPass> {
    if (this.#template) return this.#template;
    const loading = passkit().then(({ PKPass }) => {
      const passJson = {
        formatVersion: 1,
        passTypeIdentifier: this.signer.passTypeIdentifier,
        teamIdentifier: this.signer.teamIdentifier,
        organizationName: 'Stampline',
        description: 'Stamp card',
        serialNumber: 'template',
        storeCard: {},
      };
      return new PKPass({ 'pass.json': Buffer.from(JSON.stringify(passJson)) }, this.signer.certificates);
    });
    // A failed load is not kept: the next pass tries again rather than failing until a restart.
    loading.catch(() => {
      if (this.#template === loading) this.#template = undefined;
    });
    this.#template = loading;
    return loading;
  }

  identity(webServiceURL: string): PassIdentity {
    return { passTypeIdentifier: this.signer.passTypeIdentifier, teamIdentifier: this.signer.teamIdentifier, webServiceURL };
  }

  /** A signed pass; `images` defaults to the full generated set. */
  async build(content: PassContent, images: Record<string, Buffer> = applePassImages(content.artwork)): Promise<Buffer> {
    const [{ PKPass }, template] = await Promise.all([passkit(), this.#loadTemplate()]);
    const pass = await PKPass.from(template, content.props);
    const style = pass.types[0];
    if (!style) throw new Error('the pass template lost its storeCard style');
    style.headerFields.push(...content.headerFields);
    style.primaryFields.push(...content.primaryFields);
    style.secondaryFields.push(...content.secondaryFields);
    style.auxiliaryFields.push(...content.auxiliaryFields);
    style.backFields.push(...content.backFields);
    // One explicit barcode: given a bare string the library emits every format it knows.
    pass.setBarcodes(content.barcode);
    if (content.locations.length > 0) pass.setLocations(...content.locations);
    if (content.expirationDate) pass.setExpirationDate(content.expirationDate);
    for (const [name, png] of Object.entries(images)) pass.addBuffer(name, png);
    return pass.getAsBuffer();
  }
}

const SELF_TEST_SOURCE = {
  customerCard: { uuid: '00000000-0000-4000-8000-000000000000', passToken: 'self-test-token-0123456789', stampsCount: 1 },
  card: {
    name: 'Self test',
    cardColor: '#000000',
    textColor: '#FFFFFF',
    stampColor: '#FFFFFF',
    stampsRequired: 2,
    stripType: 'color',
    stripColor: null,
    stripPreset: null,
    headerText: null,
  },
  rewards: [],
  store: { name: 'Self test', storeName: null },
};

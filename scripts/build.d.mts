// Types of scripts/build.mjs for the TypeScript that imports it (the benchmarks).
export declare const distDir: string;
export declare function buildIsCurrent(): boolean;
export declare function build(): Promise<void>;
export declare function bundle(entry: string, outdir: string): Promise<void>;

export declare const MAIN_PACKAGE_BUDGET: number;
export declare function inspectMpWeixin(outDir: string): {
  pages: string[];
  subpackageRoots: string[];
  mainBytes: number;
  totalBytes: number;
  files: string[];
};
export declare function formatKiB(bytes: number): string;

export interface App {
  name: string;
  env: Record<string, string>;
}
export declare const apps: App[];
export declare function commandOf(name: string): string[];
export declare function nodeOptionsEnv(name: string): { NODE_OPTIONS?: string };

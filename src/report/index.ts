export * from './reporter';
export * as md from './markdown';
export * from './failure';

export * from './reporter';
export * from './context';
export * as md from './markdown';
export * from './failure';

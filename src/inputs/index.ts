export * from './spec';
export * as kinds from './kinds';
export * from './read';
export * from './legacy';

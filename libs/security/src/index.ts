export * from './password';
export * from './secret-box';
export * from './secret-file';
export * from './secret-key';
export * from './url-signature';
export * from './efi-signature-list';
export * from './signature-keys';

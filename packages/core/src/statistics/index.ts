// Statistics, official reporting and retention per municipality (own schema only).
export {};

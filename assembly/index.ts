// The module's exports: every kernel the host calls. Kernel names follow XNNPACK's pattern
// dtype_operation_pass, so a name says what the kernel computes.
export * from './layout';
export * from './elementwise';
export * from './bias';
export * from './activation';
export * from './gelu';
export * from './softmax';
export { f32_gemm, f32_gemm_workspace_bytes, gemm_set_kernel } from './gemm'; // gemmRowBias is conv.ts's
export * from './gather';
export * from './im2col';
export * from './conv';
export * from './winograd';
export * from './winograd-filter';
export * from './transpose';
export * from './pool';
export * from './optim';
export * from './batchnorm';
export * from './batchnorm2d';
export * from './warp';
export * from './dropout';
export * from './reduce';
export * from './maxout';
export * from './loss';

/*
 * librestuning_mkl_shim.so: one function, which the Intel MKL statically linked into libtorch (TorchSharp-cpu, PyTorch)
 * calls to ask whether the processor is an Intel one. Loaded with RTLD_GLOBAL before MKL's first call
 * (ResTuning.Native.MklCpuDispatch), it answers yes, so MKL chooses its kernels by the instruction sets the processor
 * reports (AVX2, AVX-512) instead of its generic path for other vendors. Rebuild: bash build.sh (gcc).
 */
int mkl_serv_intel_cpu_true(void) { return 1; }

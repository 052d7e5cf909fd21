// Torch's default dtype and RNG are process-global: tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

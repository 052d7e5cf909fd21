// Torch's RNG is process-global and the machine has two cores: tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
